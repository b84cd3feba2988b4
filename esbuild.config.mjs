// Builds the bridge (Node, ESM) and the panel (browser) into dist/.
// `node esbuild.config.mjs` builds once; `--watch` rebuilds on change.
import * as esbuild from 'esbuild'
import { copyFileSync, existsSync, mkdirSync } from 'node:fs'

const watch = process.argv.includes('--watch')

/** Entry points that exist; later issues add more (bench, panel). */
const nodeEntries = {
  cli: 'bridge/cli.ts',
  bench: 'bench/bench.ts',
  // worker threads, loaded from beside the bundle (bridge/engine/worker-script.ts)
  'model-worker': 'bridge/engine/model-worker.ts',
  'analysis-worker': 'bridge/analysis/analysis-worker.ts',
}
const present = (entries) => Object.fromEntries(Object.entries(entries).filter(([, file]) => existsSync(file)))

const nodeBuild = {
  entryPoints: present(nodeEntries),
  outdir: 'dist',
  bundle: true,
  // each command's code in its own chunk beside cli.js (import.meta.url of every chunk is in dist/, as the
  // worker scripts' paths need), loaded when that command runs (bridge/cli/commands.ts)
  splitting: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  // Native addons and their loaders stay outside the bundle.
  packages: 'external',
  banner: { js: "import { createRequire as __emolaneCreateRequire } from 'node:module'; const require = __emolaneCreateRequire(import.meta.url);" },
  logLevel: 'warning',
}

const panelBuild = {
  entryPoints: present({ panel: 'panel/index.ts' }),
  outdir: 'dist/panel',
  bundle: true,
  platform: 'browser',
  format: 'esm',
  target: 'es2022',
  sourcemap: true,
  minify: !watch,
  logLevel: 'warning',
}

// The panel's page is static: copy it next to the bundle (the bridge serves dist/panel at /).
if (existsSync('panel/index.html')) {
  mkdirSync('dist/panel', { recursive: true })
  copyFileSync('panel/index.html', 'dist/panel/index.html')
}

const builds = [nodeBuild, panelBuild].filter((b) => Object.keys(b.entryPoints).length > 0)
if (watch) {
  for (const b of builds) await (await esbuild.context(b)).watch()
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)))
}
