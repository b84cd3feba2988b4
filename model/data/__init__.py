"""Datasets, caches, splits and augmentation for training (API in README.md)."""
