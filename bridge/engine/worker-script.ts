/**
 * Where a worker thread's code lives. Built, it is a file beside the bundle (dist/model-worker.js
 * next to dist/cli.js, see esbuild.config.mjs). Run from the TypeScript source (tests,
 * development), the worker's entry is bundled on first use with esbuild into .cache/workers/
 * inside the package, so that its bare imports (onnxruntime-node) resolve from node_modules.
 */
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { packageRoot } from './model-dir.js'

/** The worker threads emolane runs. */
export type WorkerName = 'model-worker' | 'analysis-worker'

/** Entry of each worker in the source tree. */
const SOURCES: Record<WorkerName, string> = {
  'model-worker': 'bridge/engine/model-worker.ts',
  'analysis-worker': 'bridge/analysis/analysis-worker.ts',
}

const built = new Map<WorkerName, Promise<URL>>()

/** URL of the worker's script: beside this bundle, or bundled now from source. */
export function workerUrl(name: WorkerName, from: string = import.meta.url): Promise<URL> {
  if (!from.endsWith('.ts')) return Promise.resolve(new URL(`./${name}.js`, from))
  let url = built.get(name)
  if (!url) {
    url = bundleFromSource(name)
    built.set(name, url)
    url.catch(() => built.delete(name))
  }
  return url
}

async function bundleFromSource(name: WorkerName): Promise<URL> {
  const root = packageRoot()
  let esbuild: typeof import('esbuild')
  try {
    esbuild = await import('esbuild')
  } catch (cause) {
    throw new Error(`running emolane from its TypeScript source needs esbuild (a dev dependency) to build the ${name} thread; run npm run build and use dist/ instead`, { cause })
  }
  const result = await esbuild.build({
    entryPoints: [join(root, SOURCES[name])],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    write: false,
    logLevel: 'silent',
    banner: { js: "import { createRequire as __emolaneCreateRequire } from 'node:module'; const require = __emolaneCreateRequire(import.meta.url);" },
  })
  const code = result.outputFiles[0]!.text
  const dir = join(root, '.cache', 'workers')
  mkdirSync(dir, { recursive: true })
  const file = join(dir, `${name}-${createHash('sha256').update(code).digest('hex').slice(0, 16)}.mjs`)
  if (!existsSync(file)) {
    // several test processes may build at once: write aside, then rename into place (atomic)
    const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`
    writeFileSync(tmp, code)
    renameSync(tmp, file)
  }
  return pathToFileURL(file)
}
