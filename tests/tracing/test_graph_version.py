"""The version of the family graph follows the rows the code writes for its probes."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator

import pytest

from tracing import graph_version as versions
from tracing import infer


@pytest.fixture
def recomputed() -> Iterator[None]:
    """The version computed again by the test, and again after it (it is cached)."""
    versions.graph_version.cache_clear()
    yield
    versions.graph_version.cache_clear()


def test_the_version_is_the_format_and_a_digest() -> None:
    assert versions.graph_version().startswith(versions.GRAPH_FORMAT + "-")


def test_the_probes_infer_every_basis_of_edge() -> None:
    rows = "\n".join(versions.probe_rows())
    for basis in ("declared", "names", "household"):
        assert f'"basis": "{basis}"' in rows


def test_the_version_moves_when_inference_of_a_probe_changes(
    monkeypatch: pytest.MonkeyPatch, recomputed: None
) -> None:
    current = versions.graph_version()
    versions.graph_version.cache_clear()
    monkeypatch.setattr(infer, "MIN_PROBABILITY", 0.5)  # a weak inferred parent is dropped

    assert versions.graph_version() != current


def test_the_version_moves_when_the_format_is_bumped(
    monkeypatch: pytest.MonkeyPatch, recomputed: None
) -> None:
    current = versions.graph_version()
    versions.graph_version.cache_clear()
    monkeypatch.setattr(versions, "GRAPH_FORMAT", "graph-2")

    assert versions.graph_version() != current


def test_the_version_is_the_same_when_computed_again(recomputed: None) -> None:
    current = versions.graph_version()
    versions.graph_version.cache_clear()

    assert versions.graph_version() == current


def test_the_version_is_the_same_in_another_process() -> None:
    """Another hash seed orders sets otherwise: a version that followed it would have every
    restart rebuild the graph."""
    code = "from tracing.graph_version import graph_version; print(graph_version())"
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    found = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert found.stdout.strip() == versions.graph_version()
