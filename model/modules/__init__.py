"""The emotion model's building blocks: text encoder, audio encoder, fusion, heads."""
