import { runCli } from '../../helpers/run-cli.js'
import { waitFor as waitUntil } from '../../helpers/wait.js'
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as esbuild from 'esbuild'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { Analysis, LyricLine, SectionSpan } from '../../../bridge/analysis/types.js'
import { loadSong } from '../../../bridge/cli/stream-command.js'
import { attachDawServe, type ServedBridge } from '../../../bridge/daw/serve-integration.js'
import { wavFile } from '../watch/wav-writer.js'

const root = join(import.meta.dirname, '../../..')
const cli = join(root, 'test-artifacts/cli-encoding/cli.js')
const dir = await mkdtemp(join(tmpdir(), 'emolane-encoding-'))
const children: ChildProcess[] = []
afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL')
  await rm(dir, { recursive: true, force: true })
})

/** Runs the built CLI in the test folder. */
const emolane = (...args: string[]) => runCli(cli, dir, ...args)

// ISO-8859-15 puts € at 0xA4 and Œ at 0xBC, where Windows-1252 (what detection falls back to) has ¤ and ¼:
// only a stated encoding that reaches the decoder reads them right.
const LATIN9_LRC = Buffer.from('[00:01.00]Un \xa4 pour tes r\xeaves\n[00:03.00]\xbcuvre du c\xbdur\n', 'latin1')
const LATIN9_CSV = Buffer.from('start,end,name\n0,3,\xbcuvre\n3,6,Refr\xe3o \xa4\n', 'latin1')
const LATIN9_LYRICS = ['Un € pour tes rêves', 'Œuvre du cœur']
const LATIN9_SECTIONS = ['Œuvre', 'Refrão €']

beforeAll(async () => {
  await esbuild.build({ entryPoints: [join(root, 'bridge/cli.ts')], outfile: cli, bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', logLevel: 'warning' })
  await writeFile(join(dir, 'song.wav'), wavFile(6, 16000, 330))
  await writeFile(join(dir, 'latin1.lrc'), Buffer.from('[00:01.00]Café, señor, ça va\n[00:03.00]Über die Brücke, naïve\n', 'latin1'))
  await writeFile(join(dir, 'latin9.lrc'), LATIN9_LRC)
  await writeFile(join(dir, 'latin9.csv'), LATIN9_CSV)
}, 120_000)

describe('--encoding', () => {
  test('a Latin-1 LRC file read with --encoding latin1 keeps its accents in the analysis', async () => {
    const r = await emolane('analyze', 'song.wav', '--lyrics', 'latin1.lrc', '--encoding', 'latin1', '--device', 'cpu', '--preset', 'live-fast', '--quiet')
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    const a: Analysis = JSON.parse(r.stdout)
    expect(a.lyrics.map((l) => l.text)).toEqual(['Café, señor, ça va', 'Über die Brücke, naïve'])
  }, 120_000)

  test('analyze decodes both the lyrics and the sections file with the stated encoding', async () => {
    const r = await emolane('analyze', 'song.wav', '--lyrics', 'latin9.lrc', '--sections', 'latin9.csv', '--encoding=ISO-8859-15', '--device', 'cpu', '--preset', 'live-fast', '--quiet')
    expect(r.code).toBe(0)
    const a: Analysis = JSON.parse(r.stdout)
    expect(a.lyrics.map((l) => l.text)).toEqual(LATIN9_LYRICS)
    expect(a.sections.map((s) => s.name)).toEqual(LATIN9_SECTIONS)
  }, 120_000)

  test('an unknown encoding label is a usage error naming the option and the label, exit code 2', async () => {
    const cases: [command: string, args: string[]][] = [
      ['analyze', ['song.wav', '--lyrics', 'latin1.lrc']],
      ['stream', ['song.wav', '--lyrics', 'latin1.lrc']],
      ['watch', [dir, '--lyrics', 'latin1.lrc']],
      ['serve', ['--lyrics', 'latin1.lrc', '--no-osc', '--no-persist']],
    ]
    for (const [command, args] of cases) {
      const r = await emolane(command, ...args, '--encoding', 'klingon')
      expect(r.code, command).toBe(2)
      expect(r.stderr).toMatch(new RegExp(`^emolane ${command}: --encoding: unknown text encoding "klingon"; expected a WHATWG label`))
      expect(r.stderr.trimEnd().split('\n')[1]).toBe(`see emolane ${command} --help`)
      expect(r.stderr).not.toMatch(/usage:/)
    }
  }, 60_000)

  test('stream sends lyrics and sections decoded with the stated encoding', async () => {
    const song = await loadSong(join(dir, 'song.wav'), { rate: 48000, lyrics: join(dir, 'latin9.lrc'), sections: join(dir, 'latin9.csv'), encoding: 'iso-8859-15' })
    expect(song.lyrics.map((l) => l.text)).toEqual(LATIN9_LYRICS)
    expect(song.sections.map((s) => s.name)).toEqual(LATIN9_SECTIONS)
  })

  test('serve loads its start-up lyrics and sections with the stated encoding', async () => {
    const lines: LyricLine[] = []
    const spans: SectionSpan[] = []
    const ignore = (): void => {}
    const bridge: ServedBridge = { audio: ignore, lyricLine: (l) => lines.push(l), clearLyrics: ignore, section: (s) => spans.push(s), play: ignore, stop: ignore, seek: ignore, tempo: ignore }
    const daw = await attachDawServe(bridge, { lyrics: join(dir, 'latin9.lrc'), sections: join(dir, 'latin9.csv'), encoding: 'iso-8859-15' })
    await daw.close()
    expect(lines.map((l) => l.text)).toEqual(LATIN9_LYRICS)
    expect(spans.map((s) => s.name)).toEqual(LATIN9_SECTIONS)
  })

  test('watch reads sidecar lyrics with the stated encoding', async () => {
    const bounces = join(dir, 'bounces')
    const out = join(dir, 'out')
    await mkdir(bounces, { recursive: true })
    await writeFile(join(bounces, 'mix.wav'), wavFile(6, 16000, 220))
    await writeFile(join(bounces, 'mix.lrc'), LATIN9_LRC)
    const child = spawn(process.execPath, [cli, 'watch', bounces, '--out', out, '--settle', '100', '--device', 'cpu', '--preset', 'live-fast', '--encoding', 'iso-8859-15'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] })
    children.push(child)
    let log = ''
    child.stdout!.on('data', (d) => (log += d))
    child.stderr!.on('data', (d) => (log += d))
    await waitFor(() => /mix\.wav: (wrote |cannot)/.test(log))
    expect(log).toMatch(/mix\.wav: wrote /)
    const a: Analysis = JSON.parse(await readFile(join(out, 'mix.emolane.json'), 'utf8'))
    expect(a.lyrics.map((l) => l.text)).toEqual(LATIN9_LYRICS)
    child.kill('SIGINT')
    expect(await new Promise<number | null>((resolve) => child.once('exit', resolve))).toBe(0)
  }, 120_000)
})

/** waitFor with this file's patience: 60_000 ms, polling every 50 ms. */
function waitFor(check: () => boolean | Promise<boolean>, ms = 60_000): Promise<void> {
  return waitUntil(check, ms, 50)
}
