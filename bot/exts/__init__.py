"""The discord.py extensions (cogs): thin adapters over the service."""
