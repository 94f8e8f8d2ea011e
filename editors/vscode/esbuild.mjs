// Bundles the extension and vscode-languageclient into one file, dist/extension.js, so that the
// .vsix carries no node_modules. `vscode` is provided by VS Code at run time and stays external.
//   node esbuild.mjs [--production] [--watch]
import * as esbuild from 'esbuild';
import { chmodSync, copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const require = createRequire(import.meta.url);

rmSync('dist', { recursive: true, force: true });
mkdirSync('dist');
// vscode-languageclient kills a server that outlives `exit` with a script it looks up next to
// its own code (__dirname), which is dist/ once bundled.
copyFileSync(require.resolve('vscode-languageclient/lib/node/terminateProcess.sh'), 'dist/terminateProcess.sh');
chmodSync('dist/terminateProcess.sh', 0o755);

const options = {
  entryPoints: ['src/extension.ts'],
  outfile: 'dist/extension.js',
  bundle: true,
  platform: 'node',
  format: 'cjs',
  // VS Code 1.82 (engines.vscode) runs extensions on Node 18.
  target: 'node18',
  external: ['vscode'],
  minify: production,
  sourcemap: !production,
  // Keep the Chinese messages as UTF-8 rather than \u escapes.
  charset: 'utf8',
  logLevel: 'info',
};

if (watch) {
  const ctx = await esbuild.context(options);
  await ctx.watch();
} else {
  await esbuild.build(options);
}
