// Bundles every runtime entry point. Type-checking is separate (`npm run typecheck`), as in
// vscode-hexeditor: esbuild only strips types.
import * as esbuild from 'esbuild';
import { existsSync } from 'node:fs';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

const common = {
  bundle: true,
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
};

/** Node-side bundles: `vscode` is provided by the extension host at run time. */
const nodeEntries = [
  { in: 'src/extension/extension.ts', out: 'dist/extension.js' },
  { in: 'src/worker/analysisWorker.ts', out: 'dist/worker.js' },
  { in: 'src/worker/correlateWorker.ts', out: 'dist/correlateWorker.js' },
  { in: 'src/cli/main.ts', out: 'dist/cli.js', banner: '#!/usr/bin/env node' },
];
const webEntries = [{ in: 'webview/main.ts', out: 'dist/webview.js' }, { in: 'webview/correlate/main.ts', out: 'dist/correlateView.js' }];

const builds = [];
for (const e of nodeEntries) {
  if (!existsSync(e.in)) continue;
  builds.push({
    ...common, entryPoints: [e.in], outfile: e.out, platform: 'node', target: 'node20',
    format: 'cjs', external: ['vscode'], banner: e.banner ? { js: e.banner } : undefined,
  });
}
for (const e of webEntries) {
  if (!existsSync(e.in)) continue;
  builds.push({ ...common, entryPoints: [e.in], outfile: e.out, platform: 'browser', target: 'es2022', format: 'iife' });
}

if (watch) {
  for (const b of builds) await (await esbuild.context(b)).watch();
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
}
