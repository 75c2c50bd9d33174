"""The bot's core: answers, matching and the question service. Never imports discord."""
