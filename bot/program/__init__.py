"""The center's program data: models, loading, answer templates and the questions they answer."""
