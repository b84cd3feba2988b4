/**
 * What `emolane serve` calls for `--daw`, `--input`, `--lyrics` and `--sections`: loads the files into
 * the bridge, attaches DAW dialects and audio capture, reports bad DAW input on the bridge's feed.
 */
import type { ResolvedBridgeOptions } from '../server/options.js'
import type { BridgeErrorInfo, BridgeInput } from '../server/protocol.js'
import { attachInput, type AttachedInput } from '../input/attach-input.js'
import { noLyricsWarning, openLyrics } from '../lyrics/index.js'
import { loadSections } from '../sections/index.js'
import { listInputDevices } from '../input/capture-source.js'
import { attachDialects, type AttachedDialects } from './attach-dialects.js'
import { parseAllowList, resolveDialectGate, type DialectGateOptions } from './dialect-gate.js'
import type { MarkerSink } from './marker-sync.js'
import { isLyricsHost, UntimedLyrics, type LyricsHost } from './untimed-lyrics.js'

/** The bridge as serve has it: BridgeInput, plus its checked input (with clearSections) and error reporter where present. */
export type ServedBridge = BridgeInput & {
  clearSections?(): void
  input?(): { clearSections?(): void }
  errors?: { report(code: string, message: string, source: string): void }
  /** The bridge's limits, applied to DAW datagrams too */
  options?: Partial<Pick<ResolvedBridgeOptions, 'maxMessageBytes' | 'maxMessagesPerSecond' | 'maxBytesPerSecond'>>
} & Partial<Pick<LyricsHost, 'on' | 'spans' | 'analysis'>>

export type DawServeOptions = {
  /** `--daw` values: dialect specs, comma-separated (`reaper,ableton:11001`) */
  daw?: string
  /** `--input` value: a device name, 'default' */
  input?: string
  /** `--input-latency` in seconds */
  inputLatency?: number
  /** `--lyrics FILE`: any lyric format, sent to the bridge at start; untimed text follows the known sections (or the song) from then on */
  lyrics?: string
  /** `--sections FILE`: any section format, sent to the bridge at start */
  sections?: string
  /** `--encoding LABEL`: text encoding of the lyrics and sections files; detected when absent */
  encoding?: string
  /** `--tempo BPM`, for REAPER exports in measures.beats */
  tempo?: number
  /** `--daw-host ADDR`: interface the dialect sockets bind, default 127.0.0.1 whatever the bridge's --host; anything else needs dawAllow */
  dawHost?: string
  /** `--daw-allow IP[,IP...]`: the only senders the dialect sockets take, comma-separated IPv4 addresses */
  dawAllow?: string
  /** Terminal lines; null for quiet */
  log?: ((line: string) => void) | null
  /** Told about inputs that are accepted but probably not what was meant (an empty lyrics file), even when quiet; default: a line on stderr */
  onWarning?: (message: string) => void
}

/** Attached DAW integrations; `lyrics` keeps an untimed lyric file placed (null for timed files, none, or a bridge without events). */
export type DawServe = { dialects: AttachedDialects | null; input: AttachedInput | null; lyrics: UntimedLyrics | null; close(): Promise<void> }

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

/**
 * Where the dialect ports listen and whom they hear, from `--daw-host`/`--daw-allow` and the bridge's
 * limits; checked before anything opens (a non-loopback host without an allow-list is a TypeError).
 */
export function dawGateOptions(options: Pick<DawServeOptions, 'daw' | 'dawHost' | 'dawAllow'>, limits: ServedBridge['options'] = {}): DialectGateOptions {
  if ((options.dawHost !== undefined || options.dawAllow !== undefined) && !options.daw?.trim()) {
    throw new TypeError('--daw-host and --daw-allow only apply to --daw listeners, and no --daw was given (e.g. --daw reaper)')
  }
  const gate: DialectGateOptions = {
    host: options.dawHost,
    allow: options.dawAllow === undefined ? undefined : parseAllowList(options.dawAllow),
    maxMessageBytes: limits.maxMessageBytes,
    maxMessagesPerSecond: limits.maxMessagesPerSecond,
    maxBytesPerSecond: limits.maxBytesPerSecond,
  }
  resolveDialectGate(gate)
  return gate
}

/** Attaches `--daw` dialects and the `--input` device to a bridge; all or nothing. */
export async function attachDawServe(bridge: ServedBridge, options: DawServeOptions): Promise<DawServe> {
  const log = options.log ?? (() => {})
  const gate = dawGateOptions(options, bridge.options)
  const sink = dawSink(bridge)
  // Files first: a bad file stops serve before any socket opens.
  const spans = options.sections ? await loadSections(options.sections, { tempo: options.tempo, encoding: options.encoding }) : []
  const source = options.lyrics ? await openLyrics(options.lyrics, { encoding: options.encoding }) : null
  const empty = source && options.lyrics ? noLyricsWarning(options.lyrics, source.place()) : null
  if (empty) (options.onWarning ?? ((m: string) => console.error(`emolane serve: ${m}`)))(empty)
  if (options.tempo !== undefined) sink.tempo(options.tempo)
  for (const s of spans) sink.section(s)
  if (options.sections) log(`sections: ${spans.length} from ${options.sections}`)
  let lyrics: UntimedLyrics | null = null
  if (source?.untimed && isLyricsHost(bridge)) {
    // placed over the sections the bridge knows (these and any restored), and again as they change
    lyrics = new UntimedLyrics(bridge, source, { file: options.lyrics, log })
  } else if (source) {
    const lines = source.place({ sections: spans.length > 0 ? spans : undefined })
    for (const l of lines) sink.lyricLine(l)
    log(`lyrics: ${lines.length} lines from ${options.lyrics}`)
  }
  const onError = (e: BridgeErrorInfo) => (bridge.errors ? bridge.errors.report(e.code, e.message, e.source) : console.error(`emolane: ${e.source}: ${e.message}`))
  const specs = (options.daw ?? '').split(',').map((s) => s.trim()).filter(Boolean)
  let dialects: AttachedDialects | null = null
  let input: AttachedInput | null = null
  try {
    dialects = specs.length > 0 ? await attachDialects(sink, specs, { ...gate, onError, log }) : null
    if (options.input) input = await attachInput(sink, options.input, { clock: dialects?.clock, latency: options.inputLatency, log })
  } catch (err) {
    lyrics?.close()
    await dialects?.close()
    throw err
  }
  return {
    dialects,
    input,
    lyrics,
    close: async () => {
      lyrics?.close()
      await input?.close()
      await dialects?.close()
    },
  }
}
