"""Haven's HTTP API and web UI (built on `kb`)."""
