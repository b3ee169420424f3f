"""Haven ingestion: load files, find their provisions, build cited passages, index them."""

import kb  # noqa: F401  (sets the offline, no-telemetry environment before any parser loads)
