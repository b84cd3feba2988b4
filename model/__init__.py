"""emolane's emotion model: training, evaluation and ONNX export (see CONTRACT.md)."""
