// Builds a platform-specific .vsix with the essay-lsp server inside (server/essay-lsp), so that
// users need no Rust toolchain. `npm run package -- [options]`:
//   --target T        vsce target (linux-x64, linux-arm64, linux-armhf, alpine-x64, alpine-arm64,
//                     darwin-x64, darwin-arm64, win32-x64, win32-arm64); default: this machine
//   --cargo-target R  Rust target triple to build for T (default: the usual one for T; none,
//                     i.e. a native build, when T is this machine)
//   --binary PATH     package this server binary instead of building one
//   --out FILE        where to write the .vsix (default: essay-lsp-<target>-<version>.vsix)
// Without --binary it runs `cargo build --release --locked --bin essay-lsp` at the repository
// root with symbols stripped (CARGO_PROFILE_RELEASE_STRIP=symbols, so it works for every target).
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const EXT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const REPO = path.resolve(EXT_DIR, '..', '..');

/** vsce target → the Rust target triple a release for it is built with. */
const RUST_TARGETS = {
  'linux-x64': 'x86_64-unknown-linux-gnu',
  'linux-arm64': 'aarch64-unknown-linux-gnu',
  'linux-armhf': 'armv7-unknown-linux-gnueabihf',
  'alpine-x64': 'x86_64-unknown-linux-musl',
  'alpine-arm64': 'aarch64-unknown-linux-musl',
  'darwin-x64': 'x86_64-apple-darwin',
  'darwin-arm64': 'aarch64-apple-darwin',
  'win32-x64': 'x86_64-pc-windows-msvc',
  'win32-arm64': 'aarch64-pc-windows-msvc',
};

/** The vsce target of the machine this runs on, from process.platform / process.arch. */
function hostTarget() {
  const arch = { x64: 'x64', arm64: 'arm64', arm: 'armhf' }[process.arch];
  let platform = { linux: 'linux', darwin: 'darwin', win32: 'win32' }[process.platform];
  // musl (Alpine) has no glibc version in the process report; VS Code calls that alpine-*.
  if (platform === 'linux' && !process.report.getReport().header.glibcVersionRuntime) {
    platform = 'alpine';
  }
  const target = `${platform}-${arch}`;
  if (!(target in RUST_TARGETS)) {
    fail(`no vsce target for ${process.platform}/${process.arch}; pass --target and --binary`);
  }
  return target;
}

function fail(message) {
  console.error(`package: ${message}`);
  process.exit(1);
}

function run(command, args, options = {}) {
  console.log(`package: ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { stdio: 'inherit', ...options });
  if (result.error) fail(`${command}: ${result.error.message}`);
  if (result.status !== 0) fail(`${command} exited with ${result.status ?? result.signal}`);
}

const { values: opts } = parseArgs({
  options: {
    target: { type: 'string' },
    'cargo-target': { type: 'string' },
    binary: { type: 'string' },
    out: { type: 'string' },
  },
});

const host = hostTarget();
const target = opts.target ?? host;
if (!(target in RUST_TARGETS)) {
  fail(`unknown --target ${target}; one of ${Object.keys(RUST_TARGETS).join(', ')}`);
}
const exe = target.startsWith('win32-') ? 'essay-lsp.exe' : 'essay-lsp';

let binary;
if (opts.binary) {
  binary = path.resolve(opts.binary);
} else {
  const triple = opts['cargo-target'] ?? (target === host ? undefined : RUST_TARGETS[target]);
  const args = ['build', '--release', '--locked', '--bin', 'essay-lsp'];
  if (triple) args.push('--target', triple);
  run('cargo', args, { cwd: REPO, env: { ...process.env, CARGO_PROFILE_RELEASE_STRIP: 'symbols' } });
  const targetDir = process.env.CARGO_TARGET_DIR ? path.resolve(REPO, process.env.CARGO_TARGET_DIR) : path.join(REPO, 'target');
  binary = path.join(targetDir, ...(triple ? [triple] : []), 'release', exe);
}
if (!existsSync(binary) || !statSync(binary).isFile()) fail(`no server binary at ${binary}`);

const serverDir = path.join(EXT_DIR, 'server');
rmSync(serverDir, { recursive: true, force: true });
mkdirSync(serverDir);
copyFileSync(binary, path.join(serverDir, exe));
// The extension only starts an executable file; vsce stores the mode in the .vsix.
chmodSync(path.join(serverDir, exe), 0o755);

const { version } = JSON.parse(readFileSync(path.join(EXT_DIR, 'package.json'), 'utf8'));
const out = path.resolve(opts.out ?? path.join(EXT_DIR, `essay-lsp-${target}-${version}.vsix`));
const vsce = path.join(EXT_DIR, 'node_modules', '@vscode', 'vsce', 'vsce');
try {
  // --no-dependencies: vscode-languageclient is bundled into dist/extension.js.
  run(process.execPath, [vsce, 'package', '--target', target, '--no-dependencies', '--allow-missing-repository', '--out', out], {
    cwd: EXT_DIR,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
} finally {
  rmSync(serverDir, { recursive: true, force: true });
}
console.log(`package: ${out} (${target}, server ${path.relative(REPO, binary) || binary})`);
