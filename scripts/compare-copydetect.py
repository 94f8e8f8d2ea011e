#!/usr/bin/env python3
"""Side by side: essay-lsp's copy check and copydetect (the MOSS winnowing algorithm, PyPI).

Not part of CI. Generates a synthetic corpus and a 20,000-character draft that copies from it
(`cargo bench --bench synth`, seeded, all UTF-8, the built-in essays included as files so both
tools see the same material), then in one run:

  * `essay-lsp check --no-builtin --corpus CORPUS --format json DRAFT`, cold (empty cache
    folder: it caches what it keeps of the corpus), again with the cache, and once more with
    only the checks' tables cached (a corpus checked for the first time), each --runs times (the
    median is reported). Builds since 2026-12 carry the checks' tables in the binary, so for
    them cold and new corpus are the same state; older builds made them on a cold run and kept
    them in the cache folder (`tables-*.bin`);
  * copydetect with plain-text settings (`copydetect -f -n 13 -g 13`: no tokenisation, k-grams
    of 13 characters, every 13-character run guaranteed) — through `CopyDetector.run()`, the
    comparison the `copydetect` command runs before it writes its HTML report;

each under GNU time for wall time and peak RSS, and compares the copied spans the two report in
the draft, character by character.

Setup (once), then run from the repository root:

    python3 -m venv /tmp/copydetect-venv
    /tmp/copydetect-venv/bin/pip install copydetect
    /tmp/copydetect-venv/bin/python scripts/compare-copydetect.py --mb 10

Options: --mb N (corpus size in MB, default 10; 0.5 for half a megabyte), --seed N (default 1),
--keep DIR (keep the generated files there instead of a temporary folder), --runs N (essay-lsp
runs of each kind, default 3; copydetect runs once). The load average before and after is
printed: the machine may be shared.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NOISE = 13
GUARANTEE = 13


def run_copydetect(corpus, draft_dir, out_json):
    """Child mode: copydetect's comparison, the copied slices of each draft written as JSON."""
    from copydetect import CopyDetector

    detector = CopyDetector(
        test_dirs=[draft_dir],
        ref_dirs=[corpus],
        extensions=["md", "txt"],
        noise_t=NOISE,
        guarantee_t=GUARANTEE,
        display_t=0.0,
        disable_filtering=True,
        autoopen=False,
        silent=True,
    )
    detector.run()
    spans = []
    for (test, ref), (test_slices, _ref_slices) in detector.slice_matrix.items():
        if len(test_slices) == 0 or len(test_slices[0]) == 0:
            continue
        for start, end in zip(test_slices[0], test_slices[1]):
            spans.append([int(start), int(end), os.path.basename(ref)])
    with open(out_json, "w") as f:
        json.dump({"spans": spans}, f)


def timed(cmd, env=None):
    """Runs cmd under GNU time; returns (stdout, wall seconds, peak RSS MiB). The wall time is
    measured here, to the millisecond (GNU time rounds to 10 ms, a quarter of a cached check)."""
    started = time.perf_counter()
    result = subprocess.run(
        ["/usr/bin/time", "-f", "TIME %e %M"] + cmd,
        capture_output=True,
        text=True,
        env=env,
    )
    wall = time.perf_counter() - started
    line = [l for l in result.stderr.splitlines() if l.startswith("TIME ")][-1]
    _, _, rss_kib = line.split()
    if result.returncode not in (0, 1):
        sys.exit(f"{cmd[0]} failed ({result.returncode}):\n{result.stderr}")
    return result.stdout, float(wall), int(rss_kib) / 1024


def median(runs):
    """The (wall, RSS) run of median wall time."""
    ordered = sorted(runs)
    return ordered[len(ordered) // 2]


def char_set(spans):
    covered = set()
    for start, end in spans:
        covered.update(range(start, end))
    return covered


def regions(chars):
    """Maximal runs of covered characters (copydetect reports a span per matching reference
    file; essay-lsp one per stretch)."""
    out = []
    for i in sorted(chars):
        if out and out[-1][1] == i:
            out[-1][1] = i + 1
        else:
            out.append([i, i + 1])
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mb", type=float, default=10)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--run-copydetect", nargs=3, metavar=("CORPUS", "DRAFT_DIR", "OUT"))
    args = parser.parse_args()
    if args.run_copydetect:
        run_copydetect(*args.run_copydetect)
        return
    try:
        import copydetect  # noqa: F401
    except ImportError:
        sys.exit("copydetect is not installed for this Python: see the setup in this script's docstring")
    if not os.path.exists("/usr/bin/time"):
        sys.exit("needs GNU time at /usr/bin/time (Debian: apt-get install time)")

    work = args.keep or tempfile.mkdtemp(prefix="essay-lsp-vs-copydetect-")
    os.makedirs(work, exist_ok=True)
    corpus, draft_dir = os.path.join(work, "corpus"), os.path.join(work, "draft")
    draft = os.path.join(draft_dir, "draft.md")
    subprocess.run(["cargo", "build", "--release", "--quiet", "--bin", "essay-lsp"], cwd=ROOT, check=True)
    if not os.path.exists(draft):
        generated = subprocess.run(
            ["cargo", "bench", "--quiet", "--bench", "synth", "--",
             "--out", work, "--mb", str(args.mb), "--seed", str(args.seed),
             "--utf8", "--with-builtin"],
            cwd=ROOT, check=True, capture_output=True, text=True,
        )
        info = json.loads(generated.stdout.strip().splitlines()[-1])
    else:
        info = {"files": "?", "bytes": 0, "chars": "?"}
    binary = os.path.join(ROOT, "target", "release", "essay-lsp")
    cache_home = os.path.join(work, "cache-home")
    env = dict(os.environ, XDG_CACHE_HOME=cache_home)
    load_before = os.getloadavg()

    check = [binary, "check", "--no-builtin", "--corpus", corpus, "--format", "json", draft]
    cold, warm, new = [], [], []
    for _ in range(max(1, args.runs)):
        shutil.rmtree(cache_home, ignore_errors=True)
        out, wall, rss = timed(check, env)
        cold.append((wall, rss))
        _, wall, rss = timed(check, env)
        warm.append((wall, rss))
        # A corpus never checked before, by an install that has run once: only the checks'
        # tables (tables-*.bin, kept there by builds before 2026-12) stay in the cache folder.
        folder = os.path.join(cache_home, "essay-lsp")
        for name in os.listdir(folder):
            if not name.startswith("tables-"):
                os.remove(os.path.join(folder, name))
        _, wall, rss = timed(check, env)
        new.append((wall, rss))
    lsp_wall, lsp_rss = median(cold)
    lsp_wall_warm, lsp_rss_warm = median(warm)
    lsp_wall_new, lsp_rss_new = median(new)
    report = json.loads(out)
    lsp_spans = [
        f["codePointOffsets"] for f in report["files"][0]["findings"]
        if f["code"] in ("copied-from-corpus", "quoted-from-corpus")
    ]

    cd_json = os.path.join(work, "copydetect-spans.json")
    _, cd_wall, cd_rss = timed(
        [sys.executable, os.path.abspath(__file__), "--run-copydetect", corpus, draft_dir, cd_json]
    )
    with open(cd_json) as f:
        cd_spans = [s[:2] for s in json.load(f)["spans"]]

    with open(draft, encoding="utf-8") as f:
        text = f.read()
    lsp_chars, cd_chars = char_set(lsp_spans), char_set(cd_spans)
    both = lsp_chars & cd_chars
    union = lsp_chars | cd_chars
    # Punctuation and spaces: essay-lsp ignores them when matching, copydetect -f does not.
    def is_text(i):
        return text[i].isalnum()
    lsp_text = {i for i in lsp_chars if is_text(i)}
    cd_text = {i for i in cd_chars if is_text(i)}

    def missed(spans, other):
        return sum(1 for s, e in spans if not any(i in other for i in range(s, e)))

    lsp_regions, cd_regions = regions(lsp_chars), regions(cd_chars)

    mb = info["bytes"] / 1048576 if info["bytes"] else args.mb
    load_after = os.getloadavg()
    print(f"\nload average (1, 5, 15 min) before: {load_before[0]:.2f} {load_before[1]:.2f} "
          f"{load_before[2]:.2f}, after: {load_after[0]:.2f} {load_after[1]:.2f} {load_after[2]:.2f}; "
          f"essay-lsp: median of {len(cold)} runs, cold {sorted(round(w, 3) for w, _ in cold)} s, "
          f"new corpus {sorted(round(w, 3) for w, _ in new)} s, "
          f"cached {sorted(round(w, 3) for w, _ in warm)} s")
    print(f"\ncorpus: {info['files']} files, {mb:.1f} MB, {info['chars']} chars (seed {args.seed}); "
          f"draft: {len(text)} chars\n")
    print("| tool | wall time | peak RSS | copied stretches | copied chars in the draft |")
    print("| --- | ---: | ---: | ---: | ---: |")
    print(f"| essay-lsp check (cold: empty cache folder) | {lsp_wall:.3f} s | {lsp_rss:.0f} MB | {len(lsp_regions)} | {len(lsp_chars)} |")
    print(f"| essay-lsp check (new corpus: only the checks' tables cached) | {lsp_wall_new:.3f} s | {lsp_rss_new:.0f} MB | | |")
    print(f"| essay-lsp check (cached) | {lsp_wall_warm:.3f} s | {lsp_rss_warm:.0f} MB | | |")
    print(f"| copydetect -f -n {NOISE} -g {GUARANTEE} | {cd_wall:.3f} s | {cd_rss:.0f} MB | {len(cd_regions)} | {len(cd_chars)} |")
    print()
    print(f"time ratio copydetect / essay-lsp (cold): {cd_wall / lsp_wall:.1f}x, "
          f"(new corpus): {cd_wall / lsp_wall_new:.1f}x, "
          f"(cached): {cd_wall / lsp_wall_warm:.1f}x; "
          f"peak memory ratio: {cd_rss / lsp_rss:.1f}x")
    print(f"same copied characters (intersection / union): {len(both) / max(1, len(union)):.1%}")
    print(f"letters and digits only (punctuation ignored): "
          f"{len(lsp_text & cd_text) / max(1, len(lsp_text | cd_text)):.1%}; "
          f"essay-lsp's found by copydetect {len(lsp_text & cd_text) / max(1, len(lsp_text)):.1%}, "
          f"copydetect's found by essay-lsp {len(lsp_text & cd_text) / max(1, len(cd_text)):.1%}")
    print(f"copied stretches one tool reports and the other misses entirely: "
          f"essay-lsp {missed(lsp_regions, cd_chars)} of {len(lsp_regions)}, "
          f"copydetect {missed(cd_regions, lsp_chars)} of {len(cd_regions)}")
    for s_, e in [r for r in cd_regions if not any(i in lsp_chars for i in range(*r))][:5]:
        print(f"  only copydetect: {text[s_:e]!r}")
    for s_, e in [r for r in lsp_regions if not any(i in cd_chars for i in range(*r))][:5]:
        print(f"  only essay-lsp: {text[s_:e]!r}")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
