#!/usr/bin/env python3
"""Times `essay-lsp check` of a corpus checked for the first time, for several binaries in turn.

Not part of CI. For comparing two builds on a noisy machine: the binaries run interleaved, each
with its own cache folder. Before every run, everything but the checks' tables (`tables-*`) is
deleted from it (`--state new`, the default); `--state cached` keeps it all, `--state cold`
deletes it all. Builds since 2026-12 carry those tables in the binary and keep none there, so
for them new and cold are the same state. Prints the median, the fastest and the slowest run
of each, and the median CPU time (user + system, all threads): on a shared machine it varies
less than the wall-clock time, and on two cores it bounds it.

    python3 scripts/time-new-corpus.py [--state new|cached|cold] [--pause S] DIR RUNS BINARY...

DIR holds `corpus/` and `draft/`, as `compare-copydetect.py --keep DIR` leaves them. A BINARY
may carry environment variables for its runs: `target/release/essay-lsp,MIMALLOC_VERBOSE=1`.

Each run waits `--pause` seconds first (default 1): runs back to back get memory the run before
just freed, which a check run on its own, as a writer runs it, does not (BENCHMARKS.md, eighth
session: huge pages looked 20 % faster back to back and were 2.5× slower with pauses).
"""

import argparse
import os
import shutil
import statistics
import subprocess
import tempfile
import time


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--state", choices=["new", "cached", "cold"], default="new")
    parser.add_argument("--pause", type=float, default=1.0)
    parser.add_argument("dir")
    parser.add_argument("runs", type=int)
    parser.add_argument("binaries", nargs="+")
    args = parser.parse_args()
    check = ["check", "--no-builtin", "--corpus", "corpus", "--format", "json", "draft"]
    homes = {b: tempfile.mkdtemp(prefix="essay-lsp-cache-") for b in args.binaries}
    times = {b: [] for b in args.binaries}
    cpu = {b: [] for b in args.binaries}

    def run(binary):
        path, *assignments = binary.split(",")
        env = dict(os.environ, XDG_CACHE_HOME=homes[binary])
        env.update(a.split("=", 1) for a in assignments)
        start = time.perf_counter()
        child = subprocess.Popen([os.path.abspath(path), *check], cwd=args.dir, env=env,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, _, usage = os.wait4(child.pid, 0)
        return time.perf_counter() - start, usage.ru_utime + usage.ru_stime

    def prepare(binary):
        folder = os.path.join(homes[binary], "essay-lsp")
        if args.state == "cold":
            shutil.rmtree(folder, ignore_errors=True)
        elif args.state == "new":
            for name in os.listdir(folder):
                if not name.startswith("tables-"):
                    os.remove(os.path.join(folder, name))

    try:
        for binary in args.binaries:
            run(binary)  # writes the tables
        for _ in range(args.runs):
            for binary in args.binaries:
                prepare(binary)
                time.sleep(args.pause)
                wall, used = run(binary)
                times[binary].append(wall)
                cpu[binary].append(used)
    finally:
        for home in homes.values():
            shutil.rmtree(home, ignore_errors=True)
    for binary in args.binaries:
        ms = sorted(t * 1e3 for t in times[binary])
        used = statistics.median(cpu[binary]) * 1e3
        print(f"{args.state}, pause {args.pause} s: {binary}: median {statistics.median(ms):.1f} ms, "
              f"fastest {ms[0]:.1f} ms, slowest {ms[-1]:.1f} ms; CPU (user + system) median "
              f"{used:.1f} ms")


if __name__ == "__main__":
    main()
