/** `emolane serve`: runs the live bridge (OSC/WebSocket ingest, /ws feed, panel, HTTP API) until Ctrl-C. */
import { attachDawServe, dawGateOptions, listInputsIfAsked } from '../daw/serve-integration.js'
import { deviceLine } from '../engine/emotion-model.js'
import { DEVICES, parseDevice } from '../engine/execution-provider.js'
import { resolveEncoding } from '../lyrics/decode-text.js'
import { Bridge } from '../server/bridge.js'
import { bridgeDefaults, type BridgeOptions } from '../server/options.js'
import { numberOption, parseArgs, UsageError, type ParsedArgs } from './args.js'
import type { Command } from './command.js'

const usage = `usage: emolane serve [options]

Runs the live bridge: listens for a DAW (OSC over UDP, OSC and binary audio over WebSocket),
analyses as the song plays, serves the panel and the /ws feed, and keeps the timeline per project.

  --host ADDR            interface to listen on (default ${bridgeDefaults.host}); any other than
                         loopback needs --token
  --http-port N          panel, /ws feed, /ws-in ingest, /health, /api (default ${bridgeDefaults.httpPort}; 0: any free)
  --osc-port N           OSC over UDP (default ${bridgeDefaults.oscPort}; 0: any free)
  --no-osc               no UDP listener
  --device NAME          ${DEVICES.join('|')} (default auto: GPU where one loads, else CPU)
  --preset NAME|FILE     analysis preset from presets/analysis (default 'default')
  --model DIR            model folder with manifest.json (default: the bundled model)
  --project NAME         project whose timeline is loaded and saved (default 'default')
  --data-dir DIR         where projects live (default $EMOLANE_DATA_DIR or ~/.emolane/projects)
  --no-persist           keep the timeline in memory only
  --no-persist-audio     save frames, lyrics and sections but not the 16 kHz audio
  --token T              secret clients must present (or set EMOLANE_TOKEN): ?token=T for the panel
                         and WebSockets, /emolane/auth T first over UDP
  --max-duration S       longest song kept, seconds (default ${bridgeDefaults.maxDuration})
  --max-message-bytes N  largest WebSocket ingest message (default ${bridgeDefaults.maxMessageBytes})
  --max-messages-per-second N, --max-bytes-per-second N
                         per-source ingest rate limits (default ${bridgeDefaults.maxMessagesPerSecond}, ${bridgeDefaults.maxBytesPerSecond})
  --max-clients N        feed clients at once (default ${bridgeDefaults.maxClients})
  --batch N              windows per model run (default ${bridgeDefaults.batchSize})
  --model-thread T       worker (default: the model runs on its own thread) or main
  --analysis-thread T    worker (default: section detection and cues on their own thread) or main
  --daw SPEC[,SPEC]      follow DAWs over their own OSC: reaper, ableton, bitwig or a preset .json,
                         each optionally :PORT (listen) and @HOST[:PORT] (DAW), e.g. reaper,ableton
  --daw-host ADDR        interface the --daw ports listen on (default 127.0.0.1, whatever --host
                         says); any other than loopback needs --daw-allow
  --daw-allow IP[,IP]    the only senders the --daw ports take (the DAW machines' IPv4 addresses);
                         others are dropped and reported as daw-not-allowed
  --input DEVICE         capture an input device (a loopback of the DAW's master bus), 'default',
                         or 'list' to show the devices; song time comes from --daw when given
  --input-latency S      capture latency in seconds, if the curve runs late against the DAW
  --lyrics FILE          lyrics to start with: LRC, SRT, WebVTT, .kar/MIDI, UltraStar, text
  --sections FILE        sections to start with: CSV/TSV, JSON, REAPER region export, Audacity
                         labels, MIDI markers (--tempo BPM for REAPER measures.beats)
  --tempo BPM            the song's tempo, sent at start (and for REAPER measures.beats sections)
  --encoding LABEL       text encoding of the lyric and section files (utf-8, utf-16le,
                         windows-1252, latin1, ...); detected when absent
  --quiet                no log lines (errors still go to the feed)`

const spec = {
  values: {
    host: undefined, 'http-port': undefined, 'osc-port': undefined, device: 'auto', preset: undefined, model: undefined, project: undefined,
    'data-dir': undefined, token: undefined, 'max-duration': undefined, 'max-message-bytes': undefined, 'max-messages-per-second': undefined,
    'max-bytes-per-second': undefined, 'max-clients': undefined, batch: undefined, 'model-thread': undefined, 'analysis-thread': undefined, daw: undefined, 'daw-host': undefined, 'daw-allow': undefined, input: undefined, 'input-latency': undefined, lyrics: undefined, sections: undefined, encoding: undefined, tempo: undefined,
  },
  flags: ['no-osc', 'no-persist', 'no-persist-audio', 'quiet'],
  positionals: [0, 0] as [number, number],
}

/** Bridge options from serve's command line (shared with `demo`). */
export function bridgeOptionsFrom(args: ParsedArgs): BridgeOptions {
  let device
  try {
    device = parseDevice(args.values.device ?? 'auto')
  } catch (err) {
    throw new UsageError((err as Error).message)
  }
  const int = (name: string, min: number, max: number): number | undefined => {
    const n = numberOption(args, name, min, max)
    if (n !== undefined && !Number.isInteger(n)) throw new UsageError(`--${name} must be a whole number, got ${n}`)
    return n
  }
  return {
    host: args.values.host,
    httpPort: int('http-port', 0, 65535),
    oscPort: args.flags.has('no-osc') ? null : int('osc-port', 0, 65535),
    device,
    preset: args.values.preset,
    modelDir: args.values.model,
    project: args.values.project,
    dataDir: args.values['data-dir'],
    persist: !args.flags.has('no-persist'),
    persistAudio: !args.flags.has('no-persist-audio'),
    token: args.values.token ?? process.env.EMOLANE_TOKEN ?? null,
    maxDuration: numberOption(args, 'max-duration', 1, 24 * 3600),
    maxMessageBytes: int('max-message-bytes', 1024, 1 << 30),
    maxMessagesPerSecond: numberOption(args, 'max-messages-per-second', 1, 1e7),
    maxBytesPerSecond: numberOption(args, 'max-bytes-per-second', 1024, 1e10),
    maxClients: int('max-clients', 1, 10_000),
    batchSize: int('batch', 1, 256),
    modelThread: threadOption('model-thread', args.values['model-thread']),
    analysisThread: threadOption('analysis-thread', args.values['analysis-thread']),
    log: args.flags.has('quiet') ? null : (line) => console.error(line),
  }
}

function threadOption(name: string, value: string | undefined): 'worker' | 'main' | undefined {
  if (value === undefined || value === 'worker' || value === 'main') return value
  throw new UsageError(`--${name} must be worker or main, got ${JSON.stringify(value)}`)
}

/** One line per way in, for the terminal. */
export function describeBridge(bridge: Bridge): string {
  const o = bridge.options
  const token = o.token ? `?token=${encodeURIComponent(o.token)}` : ''
  const http = bridge.httpUrl
  const info = bridge.model.info
  const lines = [
    `emolane bridge: model ${info.name} ${info.version}${info.trained ? '' : ' (UNTRAINED export: readings mean nothing yet)'} on ${deviceLine(info)}, preset ${bridge.preset.name}`,
    http ? `  panel     ${http}/${token}` : null,
    http ? `  feed      ${http.replace(/^http/, 'ws')}/ws${token}` : null,
    http ? `  ingest    ${http.replace(/^http/, 'ws')}/ws-in${token}  (OSC packets and binary audio)` : null,
    bridge.oscPort !== null ? `  OSC       udp://${o.host}:${bridge.oscPort}${o.token ? '  (send /emolane/auth <token> first)' : ''}` : null,
    `  project   ${bridge.status().project}${bridge.projectDir ? ` (${bridge.projectDir})` : ' (in memory only)'}`,
  ]
  return lines.filter((l) => l !== null).join('\n')
}

/** Resolves on SIGINT/SIGTERM after closing the bridge. */
export function closeOnSignal(bridge: Bridge, before?: () => void): Promise<void> {
  return new Promise((resolve) => {
    const stop = (signal: string): void => {
      process.off('SIGINT', onInt)
      process.off('SIGTERM', onTerm)
      before?.()
      console.error(`emolane: ${signal}: saving the project and closing`)
      bridge.close().then(resolve, (err) => {
        console.error(`emolane: closing failed: ${err instanceof Error ? err.message : String(err)}`)
        resolve()
      })
    }
    const onInt = (): void => stop('SIGINT')
    const onTerm = (): void => stop('SIGTERM')
    process.on('SIGINT', onInt)
    process.on('SIGTERM', onTerm)
  })
}

async function run(argv: string[]): Promise<number> {
  const args = parseArgs(argv, spec)
  if (await listInputsIfAsked(args.values.input)) return 0
  const options = bridgeOptionsFrom(args)
  let encoding
  try {
    encoding = args.values.encoding === undefined ? undefined : resolveEncoding(args.values.encoding)
  } catch (err) {
    throw new UsageError(`--encoding: ${(err as Error).message}`)
  }
  let bridge: Bridge
  try {
    dawGateOptions({ daw: args.values.daw, dawHost: args.values['daw-host'], dawAllow: args.values['daw-allow'] }) // before anything listens
    bridge = await Bridge.start(options)
  } catch (err) {
    if (err instanceof TypeError || err instanceof RangeError) throw new UsageError(err.message)
    throw err
  }
  console.error(describeBridge(bridge))
  let daw
  try {
    daw = await attachDawServe(bridge, {
      daw: args.values.daw,
      input: args.values.input,
      inputLatency: numberOption(args, 'input-latency', 0, 2),
      lyrics: args.values.lyrics,
      sections: args.values.sections,
      encoding,
      tempo: numberOption(args, 'tempo', 20, 400),
      dawHost: args.values['daw-host'],
      dawAllow: args.values['daw-allow'],
      log: options.log,
    })
  } catch (err) {
    await bridge.close()
    throw err
  }
  await closeOnSignal(bridge, () => void daw.close())
  return 0
}

/** The `serve` command. */
export const serveCommand: Command = { name: 'serve', usage, run }
