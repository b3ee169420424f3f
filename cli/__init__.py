"""The `kb` command line: the assembly point above kb, ingest, search_api and eval."""
