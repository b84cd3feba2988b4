/**
 * Model faults, end to end: a graph file missing or corrupted (its sha256 against the manifest)
 * stops `emolane serve` and `emolane analyze` with an error naming the file, before anything
 * listens or any output is written; an execution provider that fails to load falls back to the
 * CPU and says so in the log and in the status; a model that fails at run time produces an error
 * on the feed and no frames, then recovers.
 */
import { spawnSync } from 'node:child_process'
import { cp, mkdtemp, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises'
import { existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import { EmotionModel, ModelOutputError } from '../../bridge/engine/emotion-model.js'
import type { BridgeErrorInfo } from '../../bridge/server/protocol.js'
import { freeTcpPort, freeUdpPort } from '../e2e/real-bridge.js'
import { sharedModel, startBridge, until } from '../integration/live-helpers.js'

const ROOT = join(import.meta.dirname, '..', '..')
const MODEL = join(ROOT, 'model')
const temp: string[] = []
afterAll(async () => {
  for (const d of temp) await rm(d, { recursive: true, force: true })
})

/** A copy of the files the bridge reads from the model folder. */
async function modelCopy(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'emolane-fault-model-'))
  temp.push(dir)
  for (const entry of ['manifest.json', 'tokenizer.json', 'onnx']) await cp(join(MODEL, entry), join(dir, entry), { recursive: true })
  return dir
}

/** Runs the CLI to completion (it must not hang: a model that fails must stop it). */
function cli(args: string[]): { code: number | null; out: string } {
  const r = spawnSync(process.execPath, [join(ROOT, 'dist', 'cli.js'), ...args], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, EMOLANE_DATA_DIR: join(tmpdir(), 'emolane-fault-unused') } })
  return { code: r.status, out: `${r.stdout}${r.stderr}` }
}

/** A 2 s WAV to analyse. */
async function wav(dir: string): Promise<string> {
  const rate = 16000
  const data = Buffer.alloc(rate * 2 * 2)
  for (let i = 0; i < rate * 2; i++) data.writeInt16LE(Math.round(8000 * Math.sin(i / 6)), i * 2)
  const h = Buffer.alloc(44)
  h.write('RIFF', 0)
  h.writeUInt32LE(36 + data.length, 4)
  h.write('WAVEfmt ', 8)
  h.writeUInt32LE(16, 16)
  h.writeUInt16LE(1, 20)
  h.writeUInt16LE(1, 22)
  h.writeUInt32LE(rate, 24)
  h.writeUInt32LE(rate * 2, 28)
  h.writeUInt16LE(2, 32)
  h.writeUInt16LE(16, 34)
  h.write('data', 36)
  h.writeUInt32LE(data.length, 40)
  const path = join(dir, 'song.wav')
  await writeFile(path, Buffer.concat([h, data]))
  return path
}

describe('model files missing or corrupted', () => {
  test('emolane serve with a corrupted graph exits 1 naming the file and its checksum, and never listens', async () => {
    const dir = await modelCopy()
    const path = join(dir, 'onnx', 'audio_encoder.onnx')
    const bytes = await readFile(path)
    bytes[bytes.length >> 1] ^= 0x01 // one flipped bit
    await writeFile(path, bytes)
    const http = await freeTcpPort()
    const r = cli(['serve', '--model', dir, '--http-port', String(http), '--osc-port', String(await freeUdpPort()), '--no-persist'])
    expect(r.code).toBe(1)
    expect(r.out).toMatch(/audio_encoder\.onnx \(audio_encoder\) is corrupted: sha256 [0-9a-f]{64}, the manifest says [0-9a-f]{64}/)
    expect(r.out).not.toMatch(/panel\s+http/) // it never got as far as listening
  })

  test('emolane serve with a missing graph exits 1 saying which file the manifest lists', async () => {
    const dir = await modelCopy()
    await rm(join(dir, 'onnx', 'fusion.onnx'))
    const r = cli(['serve', '--model', dir, '--http-port', String(await freeTcpPort()), '--no-osc', '--no-persist'])
    expect(r.code).toBe(1)
    expect(r.out).toMatch(/model file .*fusion\.onnx \(fusion\) is missing; the manifest lists it/)
  })

  test('emolane analyze with a truncated graph writes no output file (no garbage analysis)', async () => {
    const dir = await modelCopy()
    const path = join(dir, 'onnx', 'text_encoder.onnx')
    const bytes = await readFile(path)
    await writeFile(path, bytes.subarray(0, bytes.length - 1000))
    const out = join(dir, 'out.json')
    const r = cli(['analyze', await wav(dir), '--model', dir, '--out', out])
    expect(r.code).toBe(1)
    expect(r.out).toMatch(/text_encoder\.onnx \(text_encoder\) is \d+ bytes, the manifest says \d+: the file is truncated or replaced/)
    expect(existsSync(out)).toBe(false)
  })

  test('emolane analyze refuses a graph corrupted in place after a good run (same size, mtime set back): the check is remembered, not skipped', async () => {
    const dir = await modelCopy()
    const song = await wav(dir)
    const out = join(dir, 'out.json')
    expect(cli(['analyze', song, '--model', dir, '--quiet', '--out', out]).code).toBe(0)
    await rm(out)
    const path = join(dir, 'onnx', 'fusion.onnx')
    const before = await stat(path)
    const bytes = await readFile(path)
    bytes[bytes.length >> 1] ^= 0x01
    await writeFile(path, bytes)
    await utimes(path, before.atime, before.mtime)
    const r = cli(['analyze', song, '--model', dir, '--out', out])
    expect(r.code).toBe(1)
    expect(r.out).toMatch(/fusion\.onnx \(fusion\) is corrupted: sha256 [0-9a-f]{64}, the manifest says [0-9a-f]{64}/)
    expect(existsSync(out)).toBe(false)
  })

  test('a tokenizer that is not JSON is refused with its path', async () => {
    const dir = await modelCopy()
    await writeFile(join(dir, 'tokenizer.json'), '{"vocab": [')
    await expect(EmotionModel.load({ modelDir: dir, onWarning: () => {} })).rejects.toThrow(/tokenizer\.json/)
  })
})

describe('an execution provider that fails to load', () => {
  test.skipIf(process.platform !== 'linux')('falls back to the CPU and says so: in the log, the status (/api/status, the feed) and /health', async () => {
    const log: string[] = []
    // DirectML exists only on Windows: asking for it on Linux is a provider that cannot load
    const bridge = await startBridge({ device: 'dml', persist: false, log: (l) => log.push(l) }, { model: undefined })
    try {
      expect(bridge.model.info.device).toBe('cpu')
      expect(log.join('\n')).toMatch(/emolane: dml did not load \(dml: .+\); running on cpu/)
      const status = (await (await fetch(`${bridge.httpUrl}/api/status`)).json()) as { model: { device: string; requested: string; fallback: string } }
      expect(status.model).toMatchObject({ device: 'cpu', requested: 'dml', fallback: expect.stringMatching(/^dml did not load/) })
      const health = (await (await fetch(`${bridge.httpUrl}/health`)).json()) as { status: { model: { fallback: string } } }
      expect(health.status.model.fallback).toMatch(/running on cpu/)
      // and it runs: a few seconds of audio become frames
      bridge.play()
      bridge.audio({ channels: 1, sampleRate: 16000, time: 0, samples: Float32Array.from({ length: 48000 }, (_, i) => 0.2 * Math.sin(i / 5)) })
      bridge.stop()
      await bridge.settle()
      expect(bridge.analysis().frames.length).toBe(6)
      expect(bridge.analysis().model.device).toBe('cpu')
    } finally {
      await bridge.close()
    }
  })

  test('a provider that loads but fails its first run (smoke test) also falls back', async () => {
    // the real CPU provider, with the first session's run failing as a broken GPU driver's would
    const ort = (await import('onnxruntime-node')).default
    const create = ort.InferenceSession.create.bind(ort.InferenceSession)
    let failing = true
    // 'cuda' opens (as a CPU session, so this runs the same on any machine) and then fails to run
    // (cuda, not webgpu: without a Vulkan driver webgpu is not even tried on Linux)
    const spy = async (path: string, opts: { executionProviders?: string[] }) => {
      if (!failing || opts?.executionProviders?.[0] !== 'cuda') return create(path, opts)
      const s = await create(path, { ...opts, executionProviders: ['cpu'] })
      ;(s as { run: unknown }).run = async () => {
        throw new Error('CUDA failure 999: unspecified launch failure')
      }
      return s
    }
    ;(ort.InferenceSession as { create: unknown }).create = spy
    const warnings: string[] = []
    try {
      const model = await EmotionModel.load({ modelDir: MODEL, device: 'cuda', onWarning: (w) => warnings.push(w) })
      expect(model.info.device).toBe('cpu')
      expect(model.info.fallback).toBe('cuda did not load (cuda: CUDA failure 999: unspecified launch failure); running on cpu')
      expect(warnings.join('\n')).toMatch(/cuda did not load/)
      await model.close()
    } finally {
      failing = false
      ;(ort.InferenceSession as { create: unknown }).create = create
    }
  })
})

describe('a model that fails while running', () => {
  test('inference errors reach the feed as "model" errors, no frame is made of them, and it recovers', async () => {
    const real = await sharedModel()
    let failures = 2
    // the engine's own output check raises ModelOutputError on NaN; this model raises it twice
    const flaky = Object.create(real) as typeof real
    const failTwice = (): void => {
      if (failures > 0) {
        failures--
        throw new ModelOutputError('fusion polarity holds non-finite values (NaN at index 0)')
      }
    }
    flaky.run = async (windows) => (failTwice(), real.run(windows))
    // the live path of a model with encoder context runs the fusion on cached states
    flaky.runStates = async (windows) => (failTwice(), real.runStates(windows))
    const bridge = await startBridge({ persist: false }, { model: flaky })
    const errors: BridgeErrorInfo[] = []
    bridge.on('error', (e) => errors.push(e))
    try {
      bridge.play()
      bridge.audio({ channels: 1, sampleRate: 16000, time: 0, samples: Float32Array.from({ length: 64000 }, (_, i) => 0.2 * Math.sin(i / 7)) })
      bridge.stop()
      await until(() => errors.filter((e) => e.code === 'model').length >= 1, 10_000, 'a model error')
      expect(errors.find((e) => e.code === 'model')!.message).toMatch(/inference failed, retrying shortly: fusion polarity holds non-finite values/)
      await until(() => bridge.analysis().frames.length === 8, 20_000, 'all 8 frames after the retries')
      for (const f of bridge.analysis().frames) {
        expect(Number.isFinite(f.valence) && Number.isFinite(f.arousal)).toBe(true)
        expect(f.polarity.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5)
      }
    } finally {
      await bridge.close()
    }
  })
})
