/**
 * What `emolane serve` calls for `--daw`, `--input`, `--lyrics` and `--sections`: loads the files into
 * the bridge, attaches DAW dialects and audio capture, reports bad DAW input on the bridge's feed.
 */
import type { BridgeErrorInfo, BridgeInput } from '../server/protocol.js'
import { attachInput, type AttachedInput } from '../input/attach-input.js'
import { loadLyrics } from '../lyrics/index.js'
import { loadSections } from '../sections/index.js'
import { listInputDevices } from '../input/capture-source.js'
import { attachDialects, type AttachedDialects } from './attach-dialects.js'
import type { MarkerSink } from './marker-sync.js'

/** The bridge as serve has it: BridgeInput, plus its checked input (with clearSections) and error reporter where present. */
export type ServedBridge = BridgeInput & {
  clearSections?(): void
  input?(): { clearSections?(): void }
  errors?: { report(code: string, message: string, source: string): void }
}

export type DawServeOptions = {
  /** `--daw` values: dialect specs, comma-separated (`reaper,ableton:11001`) */
  daw?: string
  /** `--input` value: a device name, 'default' */
  input?: string
  /** `--input-latency` in seconds */
  inputLatency?: number
  /** `--lyrics FILE`: any lyric format, sent to the bridge at start */
  lyrics?: string
  /** `--sections FILE`: any section format, sent to the bridge at start */
  sections?: string
  /** `--tempo BPM`, for REAPER exports in measures.beats */
  tempo?: number
  /** Interface the dialect sockets bind, default 127.0.0.1 */
  host?: string
  /** Terminal lines; null for quiet */
  log?: ((line: string) => void) | null
}

/** Attached DAW integrations. */
export type DawServe = { dialects: AttachedDialects | null; input: AttachedInput | null; close(): Promise<void> }

/** The bridge as dialects see it: bad DAW input goes to the feed, clearSections to the checked input. */
export function dawSink(bridge: ServedBridge): BridgeInput & MarkerSink {
  const report = (code: string, message: string) => bridge.errors?.report(code, message, 'daw')
  const clearSections = bridge.clearSections
    ? () => bridge.clearSections!()
    : bridge.input
      ? () => {
          try {
            bridge.input!().clearSections?.()
          } catch (err) {
            report('section-bad', (err as Error).message)
          }
        }
      : undefined
  return {
    audio: (b) => bridge.audio(b),
    lyricLine: (l) => bridge.lyricLine(l),
    clearLyrics: () => bridge.clearLyrics(),
    section: (s) => bridge.section(s),
    play: () => bridge.play(),
    stop: () => bridge.stop(),
    seek: (t) => bridge.seek(t),
    tempo: (bpm) => bridge.tempo(bpm),
    clearSections,
  }
}

/** Prints the input devices for `--input list`; returns true when it did. */
export async function listInputsIfAsked(input: string | undefined, print: (line: string) => void = console.log): Promise<boolean> {
  if (input !== 'list') return false
  const devices = await listInputDevices()
  if (devices.length === 0) print('no audio input devices found (route the DAW to a loopback device: PipeWire/JACK, BlackHole, VB-Cable)')
  for (const d of devices) print(`${d.label}${d.label !== d.deviceId ? `  (id ${d.deviceId})` : ''}`)
  return true
}

/** Attaches `--daw` dialects and the `--input` device to a bridge; all or nothing. */
export async function attachDawServe(bridge: ServedBridge, options: DawServeOptions): Promise<DawServe> {
  const log = options.log ?? (() => {})
  const sink = dawSink(bridge)
  // Files first: a bad file stops serve before any socket opens.
  const spans = options.sections ? await loadSections(options.sections, { tempo: options.tempo }) : []
  const lines = options.lyrics ? await loadLyrics(options.lyrics, { sections: spans.length > 0 ? spans : undefined }) : []
  if (options.tempo !== undefined) sink.tempo(options.tempo)
  for (const s of spans) sink.section(s)
  for (const l of lines) sink.lyricLine(l)
  if (options.sections) log(`sections: ${spans.length} from ${options.sections}`)
  if (options.lyrics) log(`lyrics: ${lines.length} lines from ${options.lyrics}`)
  const onError = (e: BridgeErrorInfo) => (bridge.errors ? bridge.errors.report(e.code, e.message, e.source) : console.error(`emolane: ${e.source}: ${e.message}`))
  const specs = (options.daw ?? '').split(',').map((s) => s.trim()).filter(Boolean)
  const dialects = specs.length > 0 ? await attachDialects(sink, specs, { host: options.host, onError, log }) : null
  let input: AttachedInput | null = null
  if (options.input) {
    try {
      input = await attachInput(sink, options.input, { clock: dialects?.clock, latency: options.inputLatency, log })
    } catch (err) {
      await dialects?.close()
      throw err
    }
  }
  return {
    dialects,
    input,
    close: async () => {
      await input?.close()
      await dialects?.close()
    },
  }
}
