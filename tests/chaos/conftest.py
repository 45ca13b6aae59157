"""Fixtures for the chaos tests: an isolated bus stack per test on the suite's database and on
the chosen broker (``SINERGI_TEST_BROKER_URL``; default: kombu filesystem), whose processes are
always stopped and whose broker namespace is always deleted."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from tests.chaos.harness import BusStack


def broker_url() -> str:
    return os.environ.get("SINERGI_TEST_BROKER_URL", "")


@pytest.fixture
def make_stack(app: Flask, tmp_path: Path) -> Iterator[Callable[..., BusStack]]:
    """Build stacks sharing the suite's database (reference data loaded, cleaned after)."""
    stacks: list[BusStack] = []

    def make(**extra: Any) -> BusStack:
        stack = BusStack(instance=tmp_path / f"instance-{len(stacks)}",
                         database_url=app.config["DATABASE_URL"], broker_url=broker_url(),
                         extra={"bus_max_attempts": 3, **extra})
        stacks.append(stack)
        stack.reset_effects()
        return stack

    yield make
    for stack in stacks:
        stack.close()


@pytest.fixture
def stack(make_stack: Callable[..., BusStack]) -> BusStack:
    return make_stack()
