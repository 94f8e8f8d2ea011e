#!/usr/bin/env bash
# Runs every test of the project: the Rust unit and end-to-end tests (the real binary over
# stdio and on the command line), then the real editor clients (Neovim 0.11 and VS Code's
# protocol stack), which tests/clients/run.sh installs on first use, and the batch HTML report
# in headless Chromium (tests/report/run.sh installs Debian's chromium when it is missing).
set -euo pipefail
cd "$(dirname "$0")/.."

cargo build --locked --bin essay-lsp
cargo test --locked --workspace
ESSAY_LSP_BIN="$PWD/target/debug/essay-lsp" bash tests/clients/run.sh
ESSAY_LSP_BIN="$PWD/target/debug/essay-lsp" bash tests/report/run.sh
