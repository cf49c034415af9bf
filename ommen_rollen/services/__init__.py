"""Use cases between the web layer and the database/solver. Services own the commit."""
