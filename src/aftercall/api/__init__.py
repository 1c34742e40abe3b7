"""The HTTP API (FastAPI). The web framework is imported nowhere else."""
