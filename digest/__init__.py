"""A static-site news digest generator: raw news dumps → Markdown entries → a site and feeds."""
__version__ = "0.1.0"
