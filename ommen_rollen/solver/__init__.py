"""Pure planning solver: plain dataclasses in and out (no Flask, no database)."""
