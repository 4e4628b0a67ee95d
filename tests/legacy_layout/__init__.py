"""The first layout's `generation` app, its migrations only: tests build a database as that release left it."""
