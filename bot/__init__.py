"""A Discord bot that answers career questions about the community manager job."""

__version__ = "0.1.0"
