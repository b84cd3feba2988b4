/**
 * Synthesised OSC sessions of each DAW, shaped like what the DAW sends (REAPER's state dump and
 * time feedback with the emolane.ReaperOSC patterns, AbletonOSC listener replies, DrivenByMoss
 * flushes). Each event: wall time in ms, address, typed arguments. For replays that run on the
 * wall clock (daw-stand-in.ts), the AbletonOSC and DrivenByMoss answers are functions of the DAW's state.
 */
import type { OscArg, OscMessage } from '../../../bridge/server/osc-codec.js'

export type OscEvent = { at: number; address: string; args: OscArg[] }

const f = (value: number): OscArg => ({ type: 'f', value })
const i = (value: number): OscArg => ({ type: 'i', value })
const s = (value: string): OscArg => ({ type: 's', value })
const T: OscArg = { type: 'T', value: true }
const F: OscArg = { type: 'F', value: false }
/** Typed OSC arguments, for tests that send single messages: `arg.f(120)`, `arg.s('Verse')`, `arg.T`. */
export const arg = { f, i, s, T, F }

export const toMessage = (e: OscEvent): OscMessage => ({ address: e.address, args: e.args })

/** Time feedback every `stepMs` while playing from `from` seconds for `ms`. */
function timeFeed(address: string, startAt: number, from: number, ms: number, stepMs = 40, scale = 1): OscEvent[] {
  const out: OscEvent[] = []
  for (let t = 0; t <= ms; t += stepMs) out.push({ at: startAt + t, address, args: [f((from + t / 1000) * scale)] })
  return out
}

/** REAPER: state dump (64 slots, two regions, two lyric markers, one plain marker), play, a click to 20 s, a region rename, stop. */
export function reaperSession(): OscEvent[] {
  const dump: OscEvent[] = [
    { at: 0, address: '/play', args: [f(0)] },
    { at: 0, address: '/stop', args: [f(1)] },
    { at: 0, address: '/pause', args: [f(0)] },
    { at: 0, address: '/record', args: [f(0)] },
    { at: 0, address: '/tempo/raw', args: [f(96)] },
    { at: 0, address: '/time', args: [f(0)] },
  ]
  const regions = [
    ['Verse 1', 0, 20],
    ['Chorus', 20, 20],
    ['lyric: Hold me while the city sleeps', 24, 4],
  ] as const
  const markers = [
    ['lyric: Paper lanterns burning', 2],
    ['lyric: Every window wide awake', 6],
    ['Guitar in', 12],
  ] as const
  for (let k = 1; k <= 64; k++) {
    const r = regions[k - 1]
    dump.push({ at: 0, address: `/region/${k}/name`, args: [s(r ? r[0] : '')] }, { at: 0, address: `/region/${k}/time`, args: [f(r ? r[1] : 0)] }, { at: 0, address: `/region/${k}/length`, args: [f(r ? r[2] : 0)] })
    const m = markers[k - 1]
    dump.push({ at: 0, address: `/marker/${k}/name`, args: [s(m ? m[0] : '')] }, { at: 0, address: `/marker/${k}/time`, args: [f(m ? m[1] : 0)] })
  }
  return [
    ...dump,
    { at: 500, address: '/stop', args: [f(0)] },
    { at: 500, address: '/play', args: [f(1)] },
    ...timeFeed('/time', 500, 0, 1000),
    { at: 1520, address: '/time', args: [f(20)] }, // the producer clicks to the chorus
    ...timeFeed('/time', 1560, 20.04, 400),
    { at: 2000, address: '/region/2/name', args: [s('Chorus 1')] },
    { at: 2100, address: '/play', args: [f(0)] },
    { at: 2100, address: '/stop', args: [f(1)] },
    { at: 2100, address: '/vu', args: [f(0.5)] }, // something the dialect does not use
  ]
}

/** AbletonOSC: listener replies (time in beats at 120 bpm), a cue point list, a tempo change. */
export function abletonSession(): OscEvent[] {
  return [
    { at: 0, address: '/live/song/get/current_song_time', args: [f(8)] }, // before the tempo: held
    { at: 5, address: '/live/song/get/tempo', args: [f(120)] },
    { at: 5, address: '/live/song/get/is_playing', args: [F] },
    { at: 10, address: '/live/song/get/cue_points', args: [s('Intro'), f(0), s('Verse'), f(16), s('lyric: Paper lanterns'), f(18), s('Chorus'), f(48)] },
    { at: 100, address: '/live/song/get/is_playing', args: [T] },
    ...timeFeed('/live/song/get/current_song_time', 100, 4, 500, 50, 2), // 2 beats per second
    { at: 700, address: '/live/song/beat', args: [i(9)] },
    { at: 800, address: '/live/song/get/is_playing', args: [F] },
  ]
}

/** DrivenByMoss for Bitwig: a refresh dump, play, position text, tempo change. */
export function bitwigSession(): OscEvent[] {
  return [
    { at: 0, address: '/play', args: [i(0)] },
    { at: 0, address: '/tempo/raw', args: [f(100)] },
    { at: 0, address: '/time/str', args: [s('0.00.00:000')] },
    { at: 0, address: '/beat/str', args: [s('1.1.1:00')] },
    { at: 0, address: '/marker/1/exists', args: [i(1)] },
    { at: 0, address: '/marker/1/name', args: [s('Verse')] },
    { at: 200, address: '/play', args: [i(1)] },
    { at: 300, address: '/time/str', args: [s('0.00.00:100')] },
    { at: 400, address: '/time/str', args: [s('0.00.00:200')] },
    { at: 500, address: '/time/str', args: [s('0.01.23:456')] },
    { at: 600, address: '/tempo/raw', args: [f(104.5)] },
    { at: 700, address: '/play', args: [i(0)] },
  ]
}

/** A DAW's state as the bridge replays see it: tempo, play state, play head (in the dialect's unit: beats for Live, seconds for Bitwig). */
export type DawState = { tempo: number; playing: boolean; position: number }

/** Live's song for the bridge replay: 120 bpm, cue points in beats (Intro 0 s, Verse 8 s, a lyric at 9 s, Chorus 24 s at 120 bpm). */
export const abletonCues: [name: string, beats: number][] = [
  ['Intro', 0],
  ['Verse', 16],
  ['lyric: Paper lanterns burning', 18],
  ['Chorus', 48],
]

/**
 * What AbletonOSC answers to one of emolane's queries: `start_listen/X` replies at once with the
 * current value on `get/X` (and again on every change), `get/cue_points` with the name, beat pairs.
 */
export function abletonReply(query: string, live: DawState): OscEvent[] {
  switch (query) {
    case '/live/song/start_listen/tempo':
      return [{ at: 0, address: '/live/song/get/tempo', args: [f(live.tempo)] }]
    case '/live/song/start_listen/is_playing':
      return [{ at: 0, address: '/live/song/get/is_playing', args: [live.playing ? T : F] }]
    case '/live/song/start_listen/current_song_time':
      return [{ at: 0, address: '/live/song/get/current_song_time', args: [f(live.position)] }]
    case '/live/song/get/cue_points':
      return [{ at: 0, address: '/live/song/get/cue_points', args: abletonCues.flatMap(([name, beats]) => [s(name), f(beats)]) }]
    default:
      return []
  }
}

/** DrivenByMoss's position text, `h.mm.ss:mmm`. */
export function mossTime(seconds: number): string {
  const ms = Math.round(seconds * 1000)
  const two = (n: number) => String(n).padStart(2, '0')
  return `${Math.floor(ms / 3_600_000)}.${two(Math.floor(ms / 60_000) % 60)}.${two(Math.floor(ms / 1000) % 60)}:${String(ms % 1000).padStart(3, '0')}`
}

/**
 * DrivenByMoss's answer to `/refresh`: every value it tracks, the transport among much the dialect
 * does not use (tracks, master, beat text) and marker names without positions, one a lyric.
 */
export function bitwigRefresh(bitwig: DawState): OscEvent[] {
  const at = 0
  return [
    { at, address: '/play', args: [i(bitwig.playing ? 1 : 0)] },
    { at, address: '/record', args: [i(0)] },
    { at, address: '/repeat', args: [i(0)] },
    { at, address: '/tempo/raw', args: [f(bitwig.tempo)] },
    { at, address: '/time/str', args: [s(mossTime(bitwig.position))] },
    { at, address: '/beat/str', args: [s('1.1.1:00')] },
    { at, address: '/marker/1/exists', args: [i(1)] },
    { at, address: '/marker/1/name', args: [s('Verse')] },
    { at, address: '/marker/2/exists', args: [i(1)] },
    { at, address: '/marker/2/name', args: [s('lyric: Paper lanterns burning')] },
    { at, address: '/marker/3/exists', args: [i(0)] },
    { at, address: '/marker/3/name', args: [s('')] },
    { at, address: '/track/1/name', args: [s('Vocals')] },
    { at, address: '/track/1/volume', args: [f(0.8)] },
    { at, address: '/master/volume', args: [f(0.7)] },
  ]
}
