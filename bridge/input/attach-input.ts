/**
 * `emolane serve --input DEVICE`: captures an input device (a loopback of the DAW's master bus) and
 * feeds the bridge blocks stamped with the DAW's song time (from its OSC transport, see --daw).
 * Without a DAW clock, song time runs from 0 when capture starts.
 */
import type { Seconds } from '../analysis/types.js'
import type { SongClock } from '../daw/transport-follower.js'
import type { BridgeInput } from '../server/protocol.js'
import { BlockStamper, FreeRunningClock } from './block-stamper.js'
import { openDeviceSource, type CaptureSource } from './capture-source.js'

export type AttachInputOptions = {
  /** The DAW's transport clock (from attachDialects); absent: free-running from capture start */
  clock?: SongClock
  /** A capture source to use instead of opening the device (tests, other backends) */
  source?: CaptureSource
  /** Block length sent to the bridge, default 0.25 s */
  blockSeconds?: Seconds
  /** Capture latency, default 0 s: raise it if the curve runs late against the DAW */
  latency?: Seconds
  /** Channels to capture from a device, default 2 */
  channels?: number
  /** Progress lines for the terminal */
  log?: (line: string) => void
}

/** A running capture. */
export type AttachedInput = {
  label: string
  sampleRate: number
  /** Blocks sent so far. */
  readonly blocks: number
  close(): Promise<void>
}

/** Opens the device (or the given source) and starts feeding the bridge. */
export async function attachInput(bridge: BridgeInput, spec: string, options: AttachInputOptions = {}): Promise<AttachedInput> {
  const source = options.source ?? (await openDeviceSource(spec, { channels: options.channels }))
  const log = options.log ?? (() => {})
  const clock = options.clock ?? new FreeRunningClock()
  let blocks = 0
  let stamper: BlockStamper | null = null
  await source.start((chunk) => {
    // The sample rate is only certain once the device runs.
    stamper ??= new BlockStamper(clock, (block) => {
      blocks++
      bridge.audio(block)
    }, { sampleRate: source.sampleRate, channels: source.channels, blockSeconds: options.blockSeconds, latency: options.latency })
    stamper.push(chunk)
  })
  if (!options.clock) {
    bridge.seek(0)
    bridge.play()
  }
  log(`input: capturing ${JSON.stringify(source.label)} at ${source.sampleRate} Hz, ${source.channels} ch${options.clock ? ', song time from the DAW' : ', song time from when capture started (no --daw)'}`)
  let closed = false
  return {
    label: source.label,
    sampleRate: source.sampleRate,
    get blocks() {
      return blocks
    },
    close: async () => {
      if (closed) return
      closed = true
      await source.stop()
      if (!options.clock) bridge.stop()
    },
  }
}
