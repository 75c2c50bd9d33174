"""Storage: the SQLite database, its migrations and the one module that holds all the SQL."""
