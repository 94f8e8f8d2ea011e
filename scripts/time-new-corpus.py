#!/usr/bin/env python3
"""Times `essay-lsp check` of a corpus checked for the first time, for several binaries in turn.

Not part of CI. For comparing two builds on a noisy machine: the binaries run interleaved, each
with its own cache folder, from which everything but the checks' tables (`tables-*`) is
deleted before every run. Prints the median and the fastest run of each.

    python3 scripts/time-new-corpus.py DIR RUNS BINARY...

DIR holds `corpus/` and `draft/`, as `compare-copydetect.py --keep DIR` leaves them.
"""

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    work, runs = sys.argv[1], int(sys.argv[2])
    binaries = [os.path.abspath(b) for b in sys.argv[3:]]
    check = ["check", "--no-builtin", "--corpus", "corpus", "--format", "json", "draft"]
    homes = {b: tempfile.mkdtemp(prefix="essay-lsp-cache-") for b in binaries}
    times = {b: [] for b in binaries}

    def run(binary):
        env = dict(os.environ, XDG_CACHE_HOME=homes[binary])
        start = time.perf_counter()
        subprocess.run([binary, *check], cwd=work, env=env, capture_output=True)
        return time.perf_counter() - start

    try:
        for binary in binaries:
            run(binary)  # writes the tables
        for _ in range(runs):
            for binary in binaries:
                folder = os.path.join(homes[binary], "essay-lsp")
                for name in os.listdir(folder):
                    if not name.startswith("tables-"):
                        os.remove(os.path.join(folder, name))
                times[binary].append(run(binary))
    finally:
        for home in homes.values():
            shutil.rmtree(home, ignore_errors=True)
    for binary in binaries:
        ms = [t * 1e3 for t in times[binary]]
        print(f"{binary}: median {statistics.median(ms):.1f} ms, fastest {min(ms):.1f} ms")


if __name__ == "__main__":
    main()
