"""Run one command and print JSON: wall seconds, peak RSS (MB) and its stdout.

`python -m bench.measure -- CMD ...` — run in its own process so that the peak
memory of the children is that of this one command.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time


def main() -> None:
    command = sys.argv[sys.argv.index("--") + 1 :]
    started = time.perf_counter()
    completed = subprocess.run(command, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if completed.returncode != 0:
        sys.stderr.write(completed.stderr)
        sys.exit(completed.returncode)
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(
        json.dumps(
            {
                "seconds": round(seconds, 2),
                "peak_rss_mb": round(peak_mb, 1),
                "stdout": completed.stdout,
            }
        )
    )


if __name__ == "__main__":
    main()
