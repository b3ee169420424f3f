"""Helpers shared by the benchmarks: timing summaries and lawyer-style queries."""

from __future__ import annotations

import resource
import statistics
import time
from collections.abc import Callable

QUERIES = [
    "how long is the recovery and reflection period",
    "can a trafficking victim get a residence permit while the criminal case is ongoing",
    "T visa holder applying for a green card",
    "are victims punished for crimes they were forced to commit",
    "compensation for victims of violent crime from the state",
    "protection of the identity and privacy of victims",
    "who is a refugee",
    "prohibition of expulsion to a country where life is threatened",
    "free legal assistance for trafficking victims",
    "special measures for child victims",
    "repatriation of victims to their home country",
    "definition of trafficking in persons",
    "civil action by a victim against the trafficker",
    "identification of victims by trained officials",
    "temporary permission to stay for victims of modern slavery",
    "domestic worker who is a victim of slavery",
    "confidentiality of information about T visa applicants",
    "forced labour protocol obligations of states",
    "humanitarian residence permit for victims of crime Germany",
    "withholding identity documents to exploit a person",
]


def timed(call: Callable[[], object], repeats: int) -> list[float]:
    """Milliseconds per call, after one warm-up call."""
    call()
    samples = []
    for _ in range(repeats):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def summary(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {"p50_ms": round(statistics.median(ordered), 2), "p95_ms": round(p95, 2), "n": len(ordered)}


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
