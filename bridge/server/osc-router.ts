/**
 * The OSC address space under /emolane: checks each message's argument types and counts and
 * turns it into a call on the bridge's input. Values are then checked by ingest-validate.
 */
import { endianness } from 'node:os'
import { excerpt } from './excerpt.js'
import { IngestError } from './ingest-error.js'
import type { OscArg, OscMessage } from './osc-codec.js'
import type { BridgeInput } from './protocol.js'

/** What OSC (and the other transports) can drive: the bridge input plus a few bridge-level controls. */
export interface IngestSink extends BridgeInput {
  /** Drops all DAW-given sections. */
  clearSections(): void
  /** Switches to (loading or creating) another project. */
  project(name: string): void
}

/** One OSC address: its argument signature (for errors and docs) and its handler. */
type Route = { args: string; run: (args: OscArg[], sink: IngestSink) => void }

const number = (a: OscArg | undefined): number | undefined =>
  a && (a.type === 'i' || a.type === 'f' || a.type === 'd') ? a.value : a?.type === 'h' ? Number(a.value) : undefined

const text = (a: OscArg | undefined): string | undefined => (a?.type === 's' ? a.value : undefined)

/** Float32 PCM from a little-endian blob (copied: the blob may sit unaligned in the datagram). */
export function blobToFloat32(bytes: Uint8Array): Float32Array {
  if (bytes.length % 4 !== 0) throw new IngestError('audio-bad-size', `audio blob of ${bytes.length} bytes is not a whole number of float32 samples (truncated?)`)
  const out = new Float32Array(bytes.length / 4)
  if (endianness() === 'LE') {
    new Uint8Array(out.buffer).set(bytes)
  } else {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true)
  }
  return out
}

function badArgs(address: string, signature: string, args: OscArg[], why?: string): IngestError {
  const got = args.map((a) => a.type).join('') || 'none'
  return new IngestError('osc-bad-args', `${address} expects arguments (${signature}), got types ${excerpt(got, 32)}${why ? `: ${why}` : ''}`)
}

/** Reads numeric arguments at the given positions, or throws osc-bad-args. */
function numbers(address: string, signature: string, args: OscArg[], count: number): number[] {
  if (args.length !== count) throw badArgs(address, signature, args, `expected ${count} argument${count === 1 ? '' : 's'}, got ${args.length}`)
  return args.map((a, i) => {
    const n = number(a)
    if (n === undefined) throw badArgs(address, signature, args, `argument ${i + 1} must be a number (i, f, d or h)`)
    return n
  })
}

const routes: Record<string, Route> = {
  '/emolane/audio': {
    args: 'channels i, sample rate i|f, time of first sample f|d (s), PCM blob b: float32 little-endian interleaved',
    run(args, sink) {
      const sig = routes['/emolane/audio']!.args
      if (args.length !== 4) throw badArgs('/emolane/audio', sig, args, `expected 4 arguments, got ${args.length}`)
      const [channels, sampleRate, time] = [number(args[0]), number(args[1]), number(args[2])]
      if (channels === undefined || sampleRate === undefined || time === undefined || args[3]!.type !== 'b') throw badArgs('/emolane/audio', sig, args)
      sink.audio({ channels, sampleRate, time, samples: blobToFloat32(args[3]!.value as Uint8Array) })
    },
  },
  '/emolane/lyrics/line': {
    args: 'start f (s), end f (s), text s',
    run(args, sink) {
      const sig = routes['/emolane/lyrics/line']!.args
      if (args.length !== 3) throw badArgs('/emolane/lyrics/line', sig, args, `expected 3 arguments, got ${args.length}`)
      const [start, end, t] = [number(args[0]), number(args[1]), text(args[2])]
      if (start === undefined || end === undefined || t === undefined) throw badArgs('/emolane/lyrics/line', sig, args)
      sink.lyricLine({ start, end, text: t })
    },
  },
  '/emolane/lyrics/clear': {
    args: 'none',
    run(args, sink) {
      numbers('/emolane/lyrics/clear', 'none', args, 0)
      sink.clearLyrics()
    },
  },
  '/emolane/section': {
    args: 'start f (s), end f (s), name s',
    run(args, sink) {
      const sig = routes['/emolane/section']!.args
      if (args.length !== 3) throw badArgs('/emolane/section', sig, args, `expected 3 arguments, got ${args.length}`)
      const [start, end, name] = [number(args[0]), number(args[1]), text(args[2])]
      if (start === undefined || end === undefined || name === undefined) throw badArgs('/emolane/section', sig, args)
      sink.section({ start, end, name, source: 'daw' })
    },
  },
  '/emolane/sections/clear': {
    args: 'none',
    run(args, sink) {
      numbers('/emolane/sections/clear', 'none', args, 0)
      sink.clearSections()
    },
  },
  '/emolane/transport/play': {
    args: 'none, or the song time f (s) playing starts from',
    run(args, sink) {
      if (args.length === 1) {
        const [time] = numbers('/emolane/transport/play', 'none | time f', args, 1)
        sink.seek(time!)
      } else {
        numbers('/emolane/transport/play', 'none | time f', args, 0)
      }
      sink.play()
    },
  },
  '/emolane/transport/stop': {
    args: 'none',
    run(args, sink) {
      numbers('/emolane/transport/stop', 'none', args, 0)
      sink.stop()
    },
  },
  '/emolane/transport/seek': {
    args: 'time f (s)',
    run(args, sink) {
      const [time] = numbers('/emolane/transport/seek', 'time f', args, 1)
      sink.seek(time!)
    },
  },
  '/emolane/tempo': {
    args: 'bpm f',
    run(args, sink) {
      const [bpm] = numbers('/emolane/tempo', 'bpm f', args, 1)
      sink.tempo(bpm!)
    },
  },
  '/emolane/project': {
    args: 'name s',
    run(args, sink) {
      if (args.length !== 1 || args[0]!.type !== 's') throw badArgs('/emolane/project', 'name s', args)
      sink.project(args[0]!.value as string)
    },
  },
}

/** Address of the token message a client sends first when the bridge needs a token. */
export const AUTH_ADDRESS = '/emolane/auth'

/** The routed addresses and their argument signatures (for docs and error messages). */
export const oscAddresses: Record<string, string> = {
  ...Object.fromEntries(Object.entries(routes).map(([k, r]) => [k, r.args])),
  [AUTH_ADDRESS]: 'token s',
}

/** Dispatches one message to the sink; throws IngestError for unknown addresses and bad arguments. */
export function routeOsc(msg: OscMessage, sink: IngestSink): void {
  const route = routes[msg.address]
  if (!route) {
    throw new IngestError('osc-unknown-address', `unknown OSC address ${excerpt(msg.address)}; expected one of ${Object.keys(oscAddresses).join(', ')}`)
  }
  route.run(msg.args, sink)
}
