#!/usr/bin/env bash
# The batch HTML report in a real browser: writes a batch of essays (one of them a Word file,
# one with markup in it), runs `essay-lsp check --cross --format html`, opens the report in
# headless Chromium, checks the DOM (ranked rows, highlighted passages and where their links
# lead, nothing from the essays executed) and takes screenshots (phone and desktop) that must
# not be blank. Installs Debian's chromium when it is missing.
set -euo pipefail
cd "$(dirname "$0")"
here="$PWD"
bin="${ESSAY_LSP_BIN:-$here/../../target/debug/essay-lsp}"

browser="$(command -v chromium || command -v chromium-browser || true)"
if [ -z "$browser" ]; then
  echo "tests/report: installing chromium" >&2
  if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null
  browser="$(command -v chromium)"
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
python3 make_essays.py "$work/essays"

status=0
"$bin" check --cross --format html --output "$work/report.html" "$work/essays" \
  >"$work/stdout" 2>"$work/stderr" || status=$?
# 1: copies found, as the essays are written to have them.
if [ "$status" -ne 1 ]; then
  echo "tests/report: essay-lsp exited $status" >&2
  cat "$work/stderr" >&2
  exit 1
fi
if [ -s "$work/stdout" ]; then
  echo "tests/report: stdout must stay empty with --output" >&2
  exit 1
fi

flags=(--headless --no-sandbox --disable-gpu --disable-background-networking
  --disable-component-update --disable-sync --no-first-run
  --user-data-dir="$work/profile")
url="file://$work/report.html"
"$browser" "${flags[@]}" --dump-dom "$url" >"$work/dom.html" 2>"$work/browser.log"
python3 check_dom.py "$work/dom.html"

# A phone (412 px wide) and a tall desktop window that reaches the side-by-side views.
# (Opening an anchor such as #pair-0 gives blank shots in headless mode now and then.)
"$browser" "${flags[@]}" --window-size=412,915 --screenshot="$work/phone.png" "$url" \
  2>>"$work/browser.log"
"$browser" "${flags[@]}" --window-size=1280,2400 --screenshot="$work/desktop.png" "$url" \
  2>>"$work/browser.log"
python3 check_png.py "$work/phone.png" "$work/desktop.png"
echo "tests/report: ok"
