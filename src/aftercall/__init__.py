"""aftercall: a self-hosted, Daily-compatible batch processor for call recordings."""

__version__ = "0.1.0"
