"""Shared test configuration: Hypothesis profiles and the `--update-golden` option.

Hypothesis profiles (GUIDE §4.11.3):

* `ci`: 200 examples, no deadline, derandomized (reproducible runs in CI);
* `dev`: 50 examples, for a quick local loop.

The profile comes from the environment variable HYPOTHESIS_PROFILE; without it, `ci` when the
variable CI is set, else `dev`.

`pytest --update-golden` rewrites golden files (tests/golden/*.json) instead of comparing with
them. Review every changed file in `git diff` before committing.
"""
from __future__ import annotations

import os

import pytest
from hypothesis import settings

settings.register_profile("ci", max_examples=200, deadline=None, derandomize=True)
settings.register_profile("dev", max_examples=50)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true", default=False,
                     help="rewrite golden files instead of comparing with them")


@pytest.fixture
def update_golden(request) -> bool:
    """True when the run should rewrite golden files (`pytest --update-golden`)."""
    return bool(request.config.getoption("--update-golden"))
