import { runCli } from '../../helpers/run-cli.js'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Ajv from 'ajv'
import * as esbuild from 'esbuild'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { Analysis } from '../../../bridge/analysis/types.js'
import { decodeAudioFile } from '../../../bridge/audio/decode.js'
import { writeSong } from '../../../examples/make-examples.mjs'

const root = join(import.meta.dirname, '../../..')
const cli = join(root, 'test-artifacts/cli-analyze/cli.js')
const dir = await mkdtemp(join(tmpdir(), 'emolane-analyze-'))
afterAll(() => rm(dir, { recursive: true, force: true }))

const run = promisify(execFile)
const hasScript = await run('script', ['--version']).then(() => true, () => false)
/** The bundled example song (a minute, analysed in seconds). */
const demo = join(root, 'examples/demo-song.mp3')

/** Runs the built CLI in the test folder. */
const emolane = (...args: string[]) => runCli(cli, dir, ...args)

const schema = JSON.parse(await readFile(join(root, 'bridge/analysis/analysis.schema.json'), 'utf8'))
const ajv = new Ajv({ allErrors: true, strict: false })
ajv.addFormat('date-time', { validate: (s: string) => !Number.isNaN(Date.parse(s)) })
const validate = ajv.compile(schema)

// a ~3 minute song: verse, chorus, bridge, three times, and a last verse
let song: ReturnType<typeof writeSong>
beforeAll(async () => {
  await esbuild.build({
    entryPoints: [join(root, 'bridge/cli.ts')],
    outfile: cli,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'warning',
  })
  song = writeSong(dir, 'long', ['verse', 'chorus', 'bridge', 'verse', 'chorus', 'bridge', 'verse', 'chorus', 'bridge', 'verse'])
}, 120_000)

describe('emolane analyze', () => {
  test('analyses a 3-minute song: prints a summary and writes JSON that validates against the schema', async () => {
    expect(song.duration).toBeGreaterThan(170)
    const r = await emolane('analyze', song.paths.wav, '--lyrics', song.paths.lrc, '--sections', song.paths.sections, '--out', 'long.json')
    expect(r.stderr).not.toMatch(/Error|at .*\.js:/)
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/whole song +(negative|neutral|positive)/)
    expect(r.stdout).toMatch(/Chorus 2/)
    expect(r.stdout).toMatch(/wrote long\.json \(json\)/)
    const a: Analysis = JSON.parse(await readFile(join(dir, 'long.json'), 'utf8'))
    const ok = validate(a)
    expect(validate.errors ?? []).toEqual([])
    expect(ok).toBe(true)
    expect(a.frames.length).toBe(Math.ceil(a.duration / a.hop))
    expect(a.duration).toBeGreaterThan(170)
    expect(a.sections.length).toBe(10)
    expect(a.lyrics.length).toBe(40)
    expect(a.summary.lyrics).not.toBeNull()
  }, 180_000)

  test('without a sections file finds sections from the audio', async () => {
    const r = await emolane('analyze', song.paths.wav, '--quiet')
    expect(r.code).toBe(0)
    const a: Analysis = JSON.parse(r.stdout)
    expect(validate(a)).toBe(true)
    expect(a.sections.length).toBeGreaterThanOrEqual(4)
    expect(a.sections.every((s) => s.source === 'detected')).toBe(true)
    // the parts that sound alike share a letter
    expect(new Set(a.sections.map((s) => s.name.slice(-2, -1))).size).toBeLessThan(a.sections.length)
  }, 180_000)

  test('writes one CSV row per reading with --format csv', async () => {
    const r = await emolane('analyze', song.paths.wav, '--format', 'csv', '--preset', 'live-fast', '--quiet')
    expect(r.code).toBe(0)
    const rows = r.stdout.trim().split('\r\n')
    expect(rows[0]).toMatch(/^t,start,end,section,valence,arousal,label,confidence/)
    // live-fast reads once a second
    const { duration } = await decodeAudioFile(song.paths.wav)
    expect(rows.length - 1).toBe(Math.ceil(duration))
    expect(rows.at(-1)!.split(',')[0]).toBe(String(Math.ceil(duration) - 1))
  }, 180_000)

  test('an unreadable audio file is a clear error with exit code 1', async () => {
    const r = await emolane('analyze', 'missing.wav')
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/emolane analyze: cannot read audio file missing\.wav: no such file \(ENOENT\)/)
  })

  // util-linux `script` gives the CLI a real terminal
  test.skipIf(!hasScript)('on a terminal it prints the human summary, not 2,000 lines of JSON', async () => {
    // script(1) runs the command on a pseudo-terminal; its output comes back on ours
    const line = [process.execPath, cli, 'analyze', demo, '--device', 'cpu'].map((a) => `'${a}'`).join(' ')
    const r = await run('script', ['-qec', line, '/dev/null'], { cwd: dir, maxBuffer: 64 << 20 })
    expect(r.stdout).toMatch(/whole song +(negative|neutral|positive)/)
    expect(r.stdout).toMatch(/--out FILE, or --format json\|csv/)
    expect(r.stdout).not.toMatch(/"frames"/)
    expect(r.stdout.split('\n').length).toBeLessThan(60)
  }, 120_000)

  test('piped, it prints the JSON (summary on stderr); on request it prints CSV', async () => {
    const piped = await emolane('analyze', demo, '--device', 'cpu')
    expect(piped.code).toBe(0)
    expect(validate(JSON.parse(piped.stdout))).toBe(true)
    expect(piped.stderr).toMatch(/whole song/)
    const csv = await emolane('analyze', demo, '--device', 'cpu', '--format', 'csv', '--quiet')
    expect(csv.stdout).toMatch(/^t,start,end,section,valence/)
    expect(csv.stderr).toBe('')
  }, 120_000)

  test('--out into a folder that does not exist fails before the analysis, naming the folder, not a temporary file', async () => {
    // 'notes.mp3' is not audio: the --out check comes first, so its message is the one seen
    await writeFile(join(dir, 'notes.mp3'), 'verse, chorus, bridge')
    for (const audio of [demo, 'notes.mp3']) {
      const r = await emolane('analyze', audio, '--out', '/nonexistent/dir/x.json')
      expect(r.code).toBe(1)
      expect(r.stderr).toMatch(/^emolane analyze: cannot write --out \/nonexistent\/dir\/x\.json: folder \/nonexistent\/dir: no such file \(ENOENT\)/)
      expect(r.stderr).not.toMatch(/\.tmp/)
    }
  })

  test('an empty lyrics file is said to be empty; the music is still analysed', async () => {
    await writeFile(join(dir, 'empty.lrc'), '')
    const r = await emolane('analyze', demo, '--lyrics', 'empty.lrc', '--device', 'cpu', '--out', 'empty.json')
    expect(r.code).toBe(0)
    expect(r.stderr).toMatch(/lyrics file empty\.lrc has no lines \(is it empty\?\): analysing the music alone/)
    expect(JSON.parse(await readFile(join(dir, 'empty.json'), 'utf8')).frames.length).toBeGreaterThan(0)
  }, 120_000)

  test('a file that is not audio is a clear error', async () => {
    await writeFile(join(dir, 'notes.mp3'), 'verse, chorus, bridge')
    const r = await emolane('analyze', 'notes.mp3')
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/cannot decode notes\.mp3 as audio/)
  })

  test('a broken lyrics file names the file and the line', async () => {
    await writeFile(join(dir, 'broken.lrc'), '[00:01.00]fine line\n[zz:10]broken line\n')
    const r = await emolane('analyze', song.paths.wav, '--lyrics', 'broken.lrc')
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/broken\.lrc: line 2/)
  })

  test('a wrong option value is a usage error with exit code 2: one line and where to look, not the whole usage', async () => {
    for (const args of [['--device', 'tpu'], ['--format', 'xml'], ['--preset', 'nope'], ['--tempo', 'fast'], ['--bogus']]) {
      const r = await emolane('analyze', song.paths.wav, ...args)
      expect(r.code).toBe(2)
      const lines = r.stderr.trimEnd().split('\n')
      expect(lines, r.stderr).toHaveLength(2)
      expect(lines[0]).toMatch(new RegExp(`^emolane analyze: .*${args[0]!.slice(2)}`))
      expect(lines[1]).toBe('see emolane analyze --help')
    }
  })
})
