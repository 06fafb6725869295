"""A `ruen` command run as a user runs it, with its own peak memory.

The peak is the child's VmHWM, read by the child as it exits. `os.wait4`'s ru_maxrss would not
do: Linux carries a process's high-water mark across fork and exec, so a child of a large
process (a test session that has loaded models, a benchmark) reports its parent's size at the
fork whenever its own peak is smaller (seen: 875 MB for a run that peaked near 190 MB).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

# Run `python -m ruen ARGS` and, at exit (also through sys.exit), write VmHWM to the file named
# by the first argument.
_CHILD = """
import atexit, runpy, sys
path = sys.argv.pop(1)
def peak():
    with open('/proc/self/status') as status, open(path, 'w') as out:
        out.write(next(l for l in status if l.startswith('VmHWM')).split()[1])
atexit.register(peak)
sys.argv[0] = 'ruen'
runpy.run_module('ruen', run_name='__main__', alter_sys=True)
"""


@dataclass
class Run:
    returncode: int
    seconds: float
    peak_mb: float
    stdout: str
    stderr: str


def run_ruen(*args: str, env: dict[str, str] | None = None, timeout: float = 1800) -> Run:
    """``python -m ruen ARGS`` in a fresh process: exit code, wall time, own peak RSS, output."""
    with tempfile.TemporaryDirectory() as work:
        path = Path(work) / "peak"
        start = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-c", _CHILD, str(path), *args],
            env=env if env is not None else dict(os.environ),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        seconds = time.perf_counter() - start
        peak = int(path.read_text()) / 1024 if path.exists() else float("nan")
    return Run(done.returncode, seconds, peak, done.stdout, done.stderr)
