import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import * as esbuild from 'esbuild'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'

const run = promisify(execFile)
const root = join(import.meta.dirname, '../..')
const out = join(root, 'test-artifacts/cli-startup')
const dir = await mkdtemp(join(tmpdir(), 'emolane-cli-'))
afterAll(() => rm(dir, { recursive: true, force: true }))

// records, at exit, every CommonJS file the process loaded (onnxruntime-node, ws and node-web-audio-api's addon loader are CommonJS)
const preload = join(dir, 'loaded.cjs')
const heavy = ['onnxruntime-node', 'node-web-audio-api', `${join('node_modules', 'ws')}`]

beforeAll(async () => {
  await writeFile(preload, "process.on('exit', () => require('node:fs').writeFileSync(process.env.EMOLANE_TEST_LOADED, JSON.stringify(Object.keys(require('node:module')._cache))))\n")
  // split per command, as esbuild.config.mjs builds dist/
  await esbuild.build({ entryPoints: { cli: join(root, 'bridge/cli.ts'), 'analysis-worker': join(root, 'bridge/analysis/analysis-worker.ts') }, outdir: out, bundle: true, splitting: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', logLevel: 'warning' })
}, 120_000)

let runs = 0

/** Runs the split CLI; returns its output and the CommonJS files it loaded. */
async function emolane(...args: string[]): Promise<{ stdout: string; loaded: string[] }> {
  const record = join(dir, `loaded-${++runs}.json`)
  const { stdout } = await run(process.execPath, ['--require', preload, join(out, 'cli.js'), ...args], { cwd: dir, env: { ...process.env, EMOLANE_TEST_LOADED: record } })
  return { stdout, loaded: JSON.parse(await readFile(record, 'utf8')) as string[] }
}

describe('emolane --help and --version', () => {
  test('--version prints the package version and loads neither onnxruntime, the audio decoder nor ws', async () => {
    const { version } = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as { version: string }
    const { stdout, loaded } = await emolane('--version')
    expect(stdout.trim()).toBe(`emolane ${version}`)
    expect(loaded.filter((f) => heavy.some((h) => f.includes(h)))).toEqual([])
  })

  test('--help lists every command without loading any of them', async () => {
    const { stdout, loaded } = await emolane('--help')
    for (const name of ['analyze', 'export', 'serve', 'stream', 'demo', 'live-write', 'watch']) expect(stdout).toContain(`  ${name} `)
    expect(loaded.filter((f) => heavy.some((h) => f.includes(h)))).toEqual([])
  })

  test('analyze --help shows the options without loading onnxruntime', async () => {
    const { stdout, loaded } = await emolane('analyze', '--help')
    expect(stdout).toContain('usage: emolane analyze <audio>')
    expect(loaded.filter((f) => f.includes('onnxruntime-node'))).toEqual([])
  })

  test('a normal analyze on a machine without a GPU prints one device line on stderr and nothing else', async () => {
    const { stderr } = await run(process.execPath, [join(out, 'cli.js'), 'analyze', join(root, 'examples/demo-song.mp3'), '--out', join(dir, 'demo2.json')], { cwd: dir })
    const lines = stderr.split('\n').filter((l) => l.trim() !== '' && !l.includes('\r')) // the progress bar redraws with \r
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(/^emolane: device \w+ \((auto: .+)\)$/)
  })

  test('the check itself sees onnxruntime once a command loads the model', async () => {
    const { loaded } = await emolane('analyze', join(root, 'examples/demo-song.mp3'), '--quiet', '--out', join(dir, 'demo.json'))
    expect(loaded.some((f) => f.includes('onnxruntime-node'))).toBe(true)
  })
})
