"""Helpers shared by the benchmarks: generated data sets, timed subprocesses, result files."""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / "data"
RESULTS = ROOT / "bench" / "results"
POSTGRES = os.environ.get("NRM_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


def generated_set(households: int, seed: int, profile: str = "default") -> Path:
    """A generated data set (cached under bench/data, which git ignores); `profile` names
    one of `fixtures.profiles.PROFILES`."""
    suffix = "" if profile == "default" else f"-{profile}"
    out = DATA / f"h{households}-s{seed}{suffix}"
    if not (out / "records.csv").exists():
        out.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [
                sys.executable,
                "-m",
                "fixtures.generate",
                "--households",
                str(households),
                "--seed",
                str(seed),
                "--profile",
                profile,
                "--jobs",
                "2",
                "--out",
                str(out),
            ],
            check=True,
            cwd=ROOT,
        )
    return out


def create_postgres_database(prefix: str = "nrm_bench") -> str:
    """A new, empty PostgreSQL database beside `POSTGRES`; returns its URL."""
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    subprocess.run(["psql", POSTGRES, "-q", "-c", f"CREATE DATABASE {name}"], check=True)
    return POSTGRES.rsplit("/", 1)[0] + "/" + name


@contextmanager
def scratch_postgres_database() -> Iterator[str]:
    """A new PostgreSQL database for one measurement, dropped afterwards."""
    url = create_postgres_database()
    try:
        yield url
    finally:
        name = url.rsplit("/", 1)[1]
        subprocess.run(
            ["psql", POSTGRES, "-q", "-c", f"DROP DATABASE IF EXISTS {name}"], check=False
        )


def machine() -> dict[str, Any]:
    return {
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def save(name: str, document: dict[str, Any]) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps({"machine": machine(), **document}, indent=2) + "\n")
    return path


def measure(command: list[str], timeout: int | None = None) -> dict[str, Any]:
    """Run one command under `bench.measure` (its own process): seconds, peak RSS and the
    JSON it printed. Raises subprocess.TimeoutExpired past `timeout`."""
    completed = subprocess.run(
        [sys.executable, "-m", "bench.measure", "--", *command],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=True,
    )
    result = json.loads(completed.stdout)
    result["output"] = json.loads(result.pop("stdout"))
    return result
