"""Run one command and print JSON: wall seconds, peak memory and its stdout.

`python -m bench.measure -- CMD ...` — run in its own process so that the peak
memory of the children is that of this one command. Two peaks are reported:
`peak_rss_mb`, the largest resident set of any one process of the command (the
kernel's own count), and `peak_pss_mb`, the largest sum, sampled every 0.5 s,
of the proportional set sizes of the command and all its descendants: when
linking forks workers that share the parent's memory, this is the memory the
command holds in all (a shared page counts once, split among its sharers).
The CPU seconds the command's processes spent (`user_seconds`, `system_seconds`)
tell its own work from a machine shared with other work (a database server's
are not among them).
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import threading
import time
from pathlib import Path


def _pss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def _tree(pid: int) -> list[int]:
    pids, queue = [], [pid]
    while queue:
        current = queue.pop()
        pids.append(current)
        try:
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue
        queue.extend(int(c) for c in children)
    return pids


def main() -> None:
    command = sys.argv[sys.argv.index("--") + 1 :]
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak_pss = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak_pss
        while not done.wait(0.5):
            peak_pss = max(peak_pss, sum(_pss_kb(p) for p in _tree(process.pid)))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stdout, stderr = process.communicate()
    done.set()
    sampler.join()
    seconds = time.perf_counter() - started
    if process.returncode != 0:
        sys.stderr.write(stderr)
        sys.exit(process.returncode)
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(
        json.dumps(
            {
                "seconds": round(seconds, 2),
                "user_seconds": round(usage.ru_utime, 2),
                "system_seconds": round(usage.ru_stime, 2),
                "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
                "peak_pss_mb": round(peak_pss / 1024, 1),
                "stdout": stdout,
            }
        )
    )


if __name__ == "__main__":
    main()
