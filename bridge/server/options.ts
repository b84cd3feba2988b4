/** The bridge's options: one typed object, one defaults object, checked once in the constructor. */
import type { Device } from '../engine/execution-provider.js'
import { checkProjectName, type IngestLimits } from './ingest-validate.js'

/** Everything `new Bridge()` / `Bridge.start()` accepts; every field has a default. */
export type BridgeOptions = {
  /** Interface to listen on, default 127.0.0.1; anything but loopback needs `token` */
  host?: string
  /** HTTP + WebSocket port (panel, /ws feed, /ws-in ingest, API), default 8080; 0 picks a free port; null: no HTTP */
  httpPort?: number | null
  /** UDP port for OSC, default 9000; 0 picks a free port; null: no UDP */
  oscPort?: number | null
  /** Shared secret clients present (?token=, Authorization: Bearer, /emolane/auth); required off loopback */
  token?: string | null
  /** Execution provider, default 'auto' */
  device?: Device
  /** Where the model runs: 'worker' (its own thread, default: the main thread stays free for sockets and the feed) or 'main' */
  modelThread?: 'worker' | 'main'
  /** Where section detection and conflict cues read the audio: 'worker' (default) or 'main' */
  analysisThread?: 'worker' | 'main'
  /** Analysis preset name or path to its .json, default 'default' */
  preset?: string
  /** Model folder, default $EMOLANE_MODEL_DIR or the package's model/ */
  modelDir?: string
  /** Project whose timeline is loaded and persisted, default 'default' (1-64 letters, digits, '.', '_', '-': the one name rule of every entry point) */
  project?: string
  /** New project folders /emolane/project may create per run (switching to existing ones is not limited), default 16 */
  maxNewProjects?: number
  /** Where projects live, default $EMOLANE_DATA_DIR or ~/.emolane/projects */
  dataDir?: string
  /** Persist the timeline at all, default true */
  persist?: boolean
  /** Persist the 16 kHz audio too (for re-analysis after a restart), default true */
  persistAudio?: boolean
  /** Folder served at / (the built panel), default dist/panel of the package */
  panelDir?: string
  /** Longest song time kept, seconds, default 1200 (77 MB of 16 kHz float audio) */
  maxDuration?: number
  /** Longest audio block, seconds, default 10 */
  maxBlockSeconds?: number
  /** Most channels per audio block, default 32 */
  maxChannels?: number
  /** Longest lyric line, characters, default 2000 */
  maxLyricChars?: number
  /** Most lyric lines kept, default 5000 */
  maxLyricLines?: number
  /** Most DAW sections kept, default 500 */
  maxSections?: number
  /** Most tempo changes kept in the tempo map, default 1000 */
  maxTempoChanges?: number
  /** Largest WebSocket ingest message, bytes, default 8 MiB */
  maxMessageBytes?: number
  /** Messages per second per source before rate limiting, default 4000 */
  maxMessagesPerSecond?: number
  /** Bytes per second per source before rate limiting, default 32 MiB */
  maxBytesPerSecond?: number
  /** Most feed clients at once, default 32 */
  maxClients?: number
  /** Most ingest WebSocket connections at once, default 16 */
  maxIngestClients?: number
  /** Bytes queued to a feed client beyond which it counts as lagging (skips updates, then gets a fresh snapshot), default 4 MiB */
  clientMaxBufferedBytes?: number
  /** A feed client lagging this long is disconnected, default 30000 ms */
  clientLagTimeoutMs?: number
  /** Ping interval for WebSocket clients (a client silent for one interval is terminated), default 15000 ms */
  pingIntervalMs?: number
  /** Windows per model run, default 8 */
  batchSize?: number
  /** Least time between two section/conflict recomputations, default 500 ms */
  analysisThrottleMs?: number
  /** Least time between two status messages, default 250 ms */
  statusThrottleMs?: number
  /** No audio for this long ends the run (its last windows get analysed), default 1500 ms */
  idleFlushMs?: number
  /** Fsync the persisted audio at most this often, default 1000 ms */
  audioSyncMs?: number
  /** Most errors of one code and source reported per second (the rest are counted), default 5 */
  errorsPerSecond?: number
  /** Where log lines go, default console.error; null: silent */
  log?: ((line: string) => void) | null
}

/** The defaults, in one place. */
export const bridgeDefaults = {
  host: '127.0.0.1',
  httpPort: 8080 as number | null,
  oscPort: 9000 as number | null,
  token: null as string | null,
  device: 'auto' as Device,
  modelThread: 'worker' as 'worker' | 'main',
  analysisThread: 'worker' as 'worker' | 'main',
  preset: 'default',
  project: 'default',
  persist: true,
  persistAudio: true,
  maxDuration: 1200,
  maxBlockSeconds: 10,
  maxChannels: 32,
  maxLyricChars: 2000,
  maxLyricLines: 5000,
  maxSections: 500,
  maxTempoChanges: 1000,
  maxNewProjects: 16,
  maxMessageBytes: 8 << 20,
  maxMessagesPerSecond: 4000,
  maxBytesPerSecond: 32 << 20,
  maxClients: 32,
  maxIngestClients: 16,
  clientMaxBufferedBytes: 4 << 20,
  clientLagTimeoutMs: 30_000,
  pingIntervalMs: 15_000,
  batchSize: 8,
  analysisThrottleMs: 500,
  statusThrottleMs: 250,
  idleFlushMs: 1500,
  audioSyncMs: 1000,
  errorsPerSecond: 5,
  log: ((line: string) => console.error(line)) as ((line: string) => void) | null,
}

/** Options with every default filled in. */
export type ResolvedBridgeOptions = Omit<BridgeOptions, keyof typeof bridgeDefaults> & typeof bridgeDefaults

/** True for 127.0.0.0/8, ::1 and localhost. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host)
}

/** Merges defaults and checks the options; conflicting or out-of-range options are a TypeError / RangeError. */
export function resolveOptions(options: BridgeOptions = {}): ResolvedBridgeOptions {
  const defined = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined))
  const o = { ...bridgeDefaults, ...defined } as ResolvedBridgeOptions
  if (!isLoopback(o.host) && !o.token) {
    throw new TypeError(`listening on ${o.host} (not loopback) needs a token (--token): anyone on the network could otherwise feed or read the bridge`)
  }
  if (o.token !== null && (typeof o.token !== 'string' || o.token.length < 8 || /\s/.test(o.token))) {
    throw new RangeError(`token must be at least 8 characters without spaces, got ${typeof o.token === 'string' ? `${o.token.length} characters` : typeof o.token}`)
  }
  for (const port of ['httpPort', 'oscPort'] as const) {
    const p = o[port]
    if (p !== null && (!Number.isInteger(p) || p < 0 || p > 65535)) throw new RangeError(`${port} must be an integer in [0, 65535] or null, got ${p}`)
  }
  if (o.httpPort !== null && o.httpPort !== 0 && o.httpPort === o.oscPort) {
    // UDP and TCP could share a number, but one port for both confuses every firewall rule and doc
    throw new TypeError(`httpPort and oscPort must differ, both are ${o.httpPort}`)
  }
  const positive: (keyof typeof bridgeDefaults)[] = [
    'maxDuration', 'maxBlockSeconds', 'maxChannels', 'maxLyricChars', 'maxLyricLines', 'maxSections', 'maxTempoChanges', 'maxNewProjects', 'maxMessageBytes',
    'maxMessagesPerSecond', 'maxBytesPerSecond', 'maxClients', 'maxIngestClients', 'clientMaxBufferedBytes', 'clientLagTimeoutMs',
    'pingIntervalMs', 'batchSize', 'idleFlushMs', 'audioSyncMs', 'errorsPerSecond',
  ]
  for (const key of positive) {
    const v = o[key]
    if (typeof v !== 'number' || !(v > 0) || !Number.isFinite(v)) throw new RangeError(`${key} must be a positive number, got ${String(v)}`)
  }
  for (const key of ['analysisThrottleMs', 'statusThrottleMs'] as const) {
    if (!(o[key] >= 0)) throw new RangeError(`${key} must be >= 0, got ${o[key]}`)
  }
  try {
    checkProjectName(o.project)
  } catch (err) {
    throw new RangeError((err as Error).message, { cause: err })
  }
  if (o.maxBlockSeconds > o.maxDuration) throw new TypeError(`maxBlockSeconds (${o.maxBlockSeconds}) cannot exceed maxDuration (${o.maxDuration})`)
  if (!Number.isInteger(o.batchSize)) throw new RangeError(`batchSize must be an integer, got ${o.batchSize}`)
  for (const key of ['modelThread', 'analysisThread'] as const) {
    if (o[key] !== 'worker' && o[key] !== 'main') throw new RangeError(`${key} must be 'worker' or 'main', got ${JSON.stringify(o[key])}`)
  }
  return o
}

/** The ingest limits of resolved options. */
export function ingestLimits(o: ResolvedBridgeOptions): IngestLimits {
  return {
    maxDuration: o.maxDuration,
    maxChannels: o.maxChannels,
    maxBlockSeconds: o.maxBlockSeconds,
    minSampleRate: 8000,
    maxSampleRate: 192000,
    maxLyricChars: o.maxLyricChars,
    maxSectionNameChars: 200,
  }
}
