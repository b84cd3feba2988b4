import { waitFor as waitUntil } from '../../helpers/wait.js'
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Ajv from 'ajv'
import * as esbuild from 'esbuild'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { Analysis } from '../../../bridge/analysis/types.js'
import { bounceInPlace, sinePcm, wavFile } from '../watch/wav-writer.js'

const root = join(import.meta.dirname, '../../..')
const cli = join(root, 'test-artifacts/cli-watch/cli.js')
const dir = await mkdtemp(join(tmpdir(), 'emolane-watch-cli-'))
const children: ChildProcess[] = []
afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL')
  await rm(dir, { recursive: true, force: true })
})

beforeAll(async () => {
  await esbuild.build({ entryPoints: [join(root, 'bridge/cli.ts')], outfile: cli, bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', logLevel: 'warning' })
}, 120_000)

const schema = JSON.parse(await readFile(join(root, 'bridge/analysis/analysis.schema.json'), 'utf8'))
const ajv = new Ajv({ allErrors: true, strict: false })
ajv.addFormat('date-time', { validate: (s: string) => !Number.isNaN(Date.parse(s)) })

describe('emolane watch', () => {
  test('analyses a bounce with its sidecar lyrics, again after an in-place render, writes valid JSON, stops on Ctrl+C', async () => {
    const bounces = join(dir, 'bounces')
    const out = join(dir, 'out')
    await mkdir(bounces, { recursive: true })
    await writeFile(join(bounces, 'mix.wav'), wavFile(12, 16000, 220))
    await writeFile(join(bounces, 'mix.lrc'), '[00:01.00]Hold me while the city sleeps\n[00:05.00]Tears on the window\n')
    const child = spawn(process.execPath, [cli, 'watch', bounces, '--out', out, '--settle', '200', '--device', 'cpu'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] })
    children.push(child)
    let log = ''
    child.stdout!.on('data', (d) => (log += d))
    child.stderr!.on('data', (d) => (log += d))
    const json = join(out, 'mix.emolane.json')
    const read = async (): Promise<Analysis> => JSON.parse(await readFile(json, 'utf8'))

    await waitFor(() => /mix\.wav: wrote /.test(log))
    const first = await read()
    expect(ajv.validate(schema, first), JSON.stringify(ajv.errors)).toBe(true)
    expect(first.duration).toBeCloseTo(12, 1)
    expect(first.lyrics.map((l) => l.text)).toEqual(['Hold me while the city sleeps', 'Tears on the window'])

    await bounceInPlace(join(bounces, 'mix.wav'), sinePcm(8, 16000, 330), 16000, { chunks: 6, pauseMs: 60 })
    await waitFor(async () => existsSync(json) && (await read()).duration < 9)
    expect((await read()).duration).toBeCloseTo(8, 1)
    expect(log.match(/mix\.wav: (rewritten, )?analysing/g)).toHaveLength(2)
    expect(log).toMatch(/mix\.wav: rewritten, analysing again \(run 2\)/)

    child.kill('SIGINT')
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve))
    expect(code).toBe(0)
  }, 90_000)

  test('a broken sidecar lyric file is reported with its line; the watch keeps running', async () => {
    const bounces = join(dir, 'broken')
    await mkdir(bounces, { recursive: true })
    await writeFile(join(bounces, 'take.wav'), wavFile(3, 16000))
    await writeFile(join(bounces, 'take.lrc'), '[00:01.00]fine\n[00:0x.00]broken\n')
    const child = spawn(process.execPath, [cli, 'watch', bounces, '--settle', '100', '--device', 'cpu'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] })
    children.push(child)
    let log = ''
    child.stdout!.on('data', (d) => (log += d))
    child.stderr!.on('data', (d) => (log += d))
    await waitFor(() => /take\.wav: cannot analyse: .*take\.lrc: line 2: expected a time tag/.test(log))
    await writeFile(join(bounces, 'take.lrc'), '[00:01.00]fine\n[00:02.00]fixed\n')
    await writeFile(join(bounces, 'take.wav'), wavFile(3, 16000, 500)) // the next render
    await waitFor(() => /take\.wav: 0:03 analysed/.test(log))
    child.kill('SIGINT')
    expect(await new Promise<number | null>((resolve) => child.once('exit', resolve))).toBe(0)
  }, 90_000)
})

/** waitFor with this file's patience: 30_000 ms, polling every 50 ms. */
function waitFor(check: () => boolean | Promise<boolean>, ms = 30_000): Promise<void> {
  return waitUntil(check, ms, 50)
}
