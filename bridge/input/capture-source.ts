/**
 * Audio capture from an input device with node-web-audio-api: getUserMedia into a realtime
 * AudioContext that plays nowhere (sinkId type 'none'), read by a ScriptProcessorNode. To hear
 * the DAW, route its master bus to a loopback device (PipeWire/JACK, BlackHole, VB-Cable).
 */
import type * as WebAudio from 'node-web-audio-api'

/** node-web-audio-api exports mediaDevices but its typings do not declare it. */
type MediaDevicesLike = {
  enumerateDevices(): Promise<{ deviceId: string; kind: string; label: string }[]>
  getUserMedia(constraints: { audio: boolean | { deviceId: string } }): Promise<unknown>
}
/** node-web-audio-api, imported on first use: `emolane serve` without --input never opens a device. */
const webAudio = (): Promise<typeof WebAudio> => import('node-web-audio-api')
const mediaDevices = async (): Promise<MediaDevicesLike> => ((await webAudio()) as unknown as { mediaDevices: MediaDevicesLike }).mediaDevices

/** Where captured chunks come from: a device, or something a test injects. */
export interface CaptureSource {
  readonly sampleRate: number
  readonly channels: number
  /** A name for the terminal. */
  readonly label: string
  /** Starts delivering chunks (one Float32Array per channel). */
  start(onChunk: (channels: Float32Array[]) => void): Promise<void>
  stop(): Promise<void>
}

/** An input device as the system lists it. */
export type InputDevice = { deviceId: string; label: string }

/** No usable input device: the message says how to make one. */
export class NoInputDeviceError extends Error {
  override name = 'NoInputDeviceError'
}

const LOOPBACK_HELP =
  'route your DAW\'s master bus to a loopback input first: Linux: PipeWire (pw-loopback) or a JACK connection; macOS: BlackHole; Windows: VB-Cable. Then run emolane serve --input "<device name>" (--input list shows the devices)'

export type DeviceSourceOptions = {
  /** Channels to capture, default 2 */
  channels?: number
  /** Samples per chunk the processor hands over, default 4096 */
  chunkFrames?: 256 | 512 | 1024 | 2048 | 4096 | 8192 | 16384
}

const defaults = { channels: 2, chunkFrames: 4096 as const }

/** Input devices the system offers (empty where there are none). */
export async function listInputDevices(): Promise<InputDevice[]> {
  try {
    const all = await (await mediaDevices()).enumerateDevices()
    return all.filter((d) => d.kind === 'audioinput').map((d) => ({ deviceId: d.deviceId, label: d.label || d.deviceId }))
  } catch {
    return []
  }
}

/** Picks the device `spec` names ('default', or part of a label or id, case-insensitive). */
export function pickDevice(devices: InputDevice[], spec: string): InputDevice | null {
  if (spec === 'default') return devices[0] ?? null
  const want = spec.toLowerCase()
  return devices.find((d) => d.deviceId === spec) ?? devices.find((d) => d.label.toLowerCase().includes(want)) ?? null
}

/** Opens an input device; NoInputDeviceError when there is none or the named one is missing. */
export async function openDeviceSource(spec: string, options: DeviceSourceOptions = {}): Promise<CaptureSource> {
  const o = { ...defaults, ...options }
  const devices = await listInputDevices()
  if (devices.length === 0) throw new NoInputDeviceError(`no audio input device found; ${LOOPBACK_HELP}`)
  const device = pickDevice(devices, spec)
  if (!device) {
    throw new NoInputDeviceError(`no input device matches ${JSON.stringify(spec)}; devices: ${devices.map((d) => JSON.stringify(d.label)).join(', ')}`)
  }
  let stream: unknown
  try {
    stream = await (await mediaDevices()).getUserMedia({ audio: spec === 'default' ? true : { deviceId: device.deviceId } })
  } catch (cause) {
    throw new NoInputDeviceError(`cannot open input device ${JSON.stringify(device.label)}: ${(cause as Error).message}; ${LOOPBACK_HELP}`, { cause })
  }
  return new DeviceSource(device.label, stream, o.channels, o.chunkFrames)
}

class DeviceSource implements CaptureSource {
  private ctx: InstanceType<typeof WebAudio.AudioContext> | null = null

  constructor(
    readonly label: string,
    private readonly stream: unknown,
    readonly channels: number,
    private readonly chunkFrames: number,
  ) {}

  get sampleRate(): number {
    return this.ctx?.sampleRate ?? 48_000
  }

  async start(onChunk: (channels: Float32Array[]) => void): Promise<void> {
    // No sound card output: the context only pulls the input through the processor.
    const { AudioContext } = await webAudio()
    const ctx = new AudioContext({ sinkId: { type: 'none' }, latencyHint: 'interactive' } as never)
    this.ctx = ctx
    const source = ctx.createMediaStreamSource(this.stream as never)
    const processor = ctx.createScriptProcessor(this.chunkFrames, this.channels, this.channels)
    processor.onaudioprocess = (e: { inputBuffer: { numberOfChannels: number; getChannelData(c: number): Float32Array } }) => {
      const have = e.inputBuffer.numberOfChannels
      const chans: Float32Array[] = []
      for (let c = 0; c < this.channels; c++) chans.push(new Float32Array(e.inputBuffer.getChannelData(Math.min(c, have - 1))))
      onChunk(chans)
    }
    source.connect(processor)
    processor.connect(ctx.destination)
  }

  async stop(): Promise<void> {
    await this.ctx?.close()
    this.ctx = null
  }
}
