"""How every fuzz test runs Hypothesis: reproducible, no example database, no deadline (a
real server answers), no health checks (generation is slow on purpose), one bug reported."""

from __future__ import annotations

from hypothesis import HealthCheck, Phase, settings


def fuzz_settings(max_examples: int) -> settings:
    return settings(
        max_examples=max_examples,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
        phases=[Phase.explicit, Phase.generate, Phase.shrink],
        report_multiple_bugs=False,
    )
