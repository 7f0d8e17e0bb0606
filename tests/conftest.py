"""Shared test settings: deterministic hypothesis runs (no flaky tests)."""

from hypothesis import HealthCheck, settings

settings.register_profile("derive", derandomize=True, deadline=None, max_examples=60,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("derive")
