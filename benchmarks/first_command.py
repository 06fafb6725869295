"""README's first command, `ruen digest examples/mpt_egov_conference_2020_ru.txt`, as a new user
runs it: the default backend against the transformers backend it used before, side by side.

The model has opus-mt-ru-en's real shape with random weights (translate_speed.py builds it);
one setting differs from the defaults: exactly 30 output tokens (min = max new tokens), since
random weights would otherwise stop at random lengths. Everything else is the default (the
model's beam 6, repair on). Each run is a fresh `ruen` process, timed from start to exit with
its own peak RSS (VmHWM, tests/memory.py). The first run on a fresh cache converts the model
to CTranslate2 once, in a process of its own whose peak that process reports; it is shown
apart, with a later run on the cached model (a user pays the conversion once).

    python benchmarks/first_command.py [--rounds 2]
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.memory import run_ruen

from translate_speed import MODEL, ROOT, WORK, build_model, package_versions

EXAMPLE = ROOT / "examples" / "mpt_egov_conference_2020_ru.txt"
FORCED = ("--max-new-tokens", "30", "--min-new-tokens", "30")


def run(*backend: str) -> tuple[float, float, str]:
    """(seconds, peak MB, stderr) of one `ruen digest` process."""
    env = {**os.environ, "RUEN_CACHE_DIR": str(WORK / "ruen-cache"), "HF_HUB_OFFLINE": "1"}
    done = run_ruen("digest", "--model", str(MODEL), *FORCED, *backend, str(EXAMPLE), env=env)
    if done.returncode != 0:
        raise SystemExit(f"ruen digest {' '.join(backend)} failed:\n{done.stderr[-2000:]}")
    return done.seconds, done.peak_mb, done.stderr


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=2, help="best of this many runs")
    args = parser.parse_args()
    build_model()  # in a process of its own, so that this one stays small
    cache = WORK / "ruen-cache" / "ctranslate2"
    fresh = not cache.is_dir() or not any(cache.iterdir())
    seconds, peak, stderr = run()  # the default: converts once where nothing is converted yet
    first = {"fresh": fresh, "seconds": round(seconds, 1), "peak_mb": round(peak)}
    if fresh:
        # The converting process's own peak, which it reports ("converted in N s (peak M MB)").
        said = re.search(r"converted in .*?\(peak (\d+) MB\)", stderr)
        first["converter_peak_mb"] = int(said.group(1)) if said else None
        print(
            f"first run, converting once: {seconds:.1f} s, peak {peak:.0f} MB "
            f"(the converting process: {first['converter_peak_mb']} MB)"
        )
        print("".join(f"  stderr: {line}\n" for line in stderr.splitlines()))
    later, later_peak, _ = run()
    first["later_seconds"], first["later_peak_mb"] = round(later, 1), round(later_peak)
    print(f"a later run (converted model cached): {later:.1f} s, peak {later_peak:.0f} MB")
    systems = {
        "before: --backend transformers (the old default)": ("--backend", "transformers"),
        "now: the default (auto)": (),
    }
    print(
        "changed from the defaults: max/min new tokens 30 (random weights would stop at random "
        "lengths); everything else as a user runs it\n"
    )
    print("| README's first command | seconds | peak MB |")
    print("|---|---|---|")
    results = {}
    for name, backend in systems.items():
        best = min((run(*backend) for _ in range(args.rounds)), key=lambda r: r[0])
        results[name] = best
        print(f"| {name} | {best[0]:.1f} | {best[1]:.0f} |", flush=True)
    (before, after) = results.values()
    speed, memory = before[0] / after[0], after[1] / before[1]
    print(f"\nthe default is {speed:.1f}x faster at {memory:.0%} of the memory")
    versions = package_versions("ruen", "ctranslate2", "transformers", "torch")
    setup = f"model:marian-real-size-random|tokens:30|beam:default|rounds:best-of-{args.rounds}"
    print(f"signature: {setup}|{versions}")
    from results import save

    save(
        "first_command",
        "README's first command: seconds and peak MB, before and now",
        ["README's first command", "seconds", "peak MB"],
        [[name, round(r[0], 1), round(r[1])] for name, r in results.items()],
        signature=f"{setup}|{versions}",
        command="python benchmarks/first_command.py"
        + (f" --rounds {args.rounds}" if args.rounds != 2 else ""),
        first_run=first,
    )


if __name__ == "__main__":
    main()
