import { describe, expect, test } from 'vitest'
import { loadDialectPreset } from '../../../bridge/daw/dialect-preset.js'
import { DialectMessageError, DialectSession, parseTimeText } from '../../../bridge/daw/dialect-session.js'
import { TransportFollower } from '../../../bridge/daw/transport-follower.js'
import { abletonSession, bitwigSession, reaperSession, toMessage, type OscEvent } from './daw-sessions.js'
import { RecordingInput } from './recording-input.js'

/** Replays events in a fake wall clock; marker changes are flushed at the end of each burst (same `at`). */
function replay(dialect: string, events: OscEvent[]) {
  let wall = 0
  const input = new RecordingInput()
  const follower = new TransportFollower(input, { wallClock: () => wall })
  const session = new DialectSession(loadDialectPreset(dialect), input, follower, { markerDebounceMs: 1e9 })
  const ignored: string[] = []
  events.forEach((e, k) => {
    wall = e.at
    if (!session.handle(toMessage(e))) ignored.push(e.address)
    if (events[k + 1]?.at !== e.at) session.flush()
  })
  session.close()
  return { input, follower, ignored }
}

describe('REAPER dialect', () => {
  test('regions become sections, lyric markers and regions become lyric lines, empty slots are ignored', () => {
    const { input } = replay('reaper', reaperSession())
    const { sections, lyrics } = input.state()
    expect(sections.map((s) => [s.name, s.start, s.end, s.source])).toEqual([
      ['Verse 1', 0, 20, 'daw'],
      ['Chorus 1', 20, 40, 'daw'],
    ])
    expect(lyrics.map((l) => [l.text, l.start, l.end])).toEqual([
      ['Paper lanterns burning', 2, 6],
      ['Every window wide awake', 6, 16],
      ['Hold me while the city sleeps', 24, 28],
    ])
  })

  test('transport: tempo, play, one seek for the click to the chorus, stop', () => {
    const { input } = replay('reaper', reaperSession())
    const transport = input.summary().filter((c) => /^(play|stop|seek|tempo)/.test(c))
    expect(transport).toEqual(['tempo 96', 'seek 0', 'play', 'seek 20', 'stop'])
  })

  test('renaming a region replaces the DAW sections rather than adding a duplicate', () => {
    const { input } = replay('reaper', reaperSession())
    const summary = input.summary()
    const rename = summary.indexOf('clearSections')
    expect(rename).toBeGreaterThan(0)
    expect(summary.slice(rename)).toEqual(['clearSections', 'section Verse 1 0-20 daw', 'section Chorus 1 20-40 daw', 'stop'])
  })

  test('messages the dialect does not use are ignored, not errors', () => {
    expect(replay('reaper', reaperSession()).ignored).toEqual(['/record', '/vu'])
  })
})

describe('Ableton Live (AbletonOSC) dialect', () => {
  test('song time in beats is converted with the tempo; a time before the tempo is held, not lost', () => {
    const { input } = replay('ableton', abletonSession())
    const transport = input.summary().filter((c) => /^(play|stop|seek|tempo)/.test(c))
    expect(transport).toEqual(['tempo 120', 'seek 4', 'play', 'stop'])
  })

  test('cue points become sections and lyric lines', () => {
    const { sections, lyrics } = replay('ableton', abletonSession()).input.state()
    expect(sections.map((s) => [s.name, s.start, s.end])).toEqual([
      ['Intro', 0, 8],
      ['Verse', 8, 24],
      ['Chorus', 24, 36], // the last cue point runs the mean section length
    ])
    expect(lyrics.map((l) => [l.text, l.start])).toEqual([['Paper lanterns', 9]])
  })

  test('a tempo change moves cue points to their new times', () => {
    const events = [...abletonSession(), { at: 900, address: '/live/song/get/tempo', args: [{ type: 'f' as const, value: 60 }] }]
    const { sections } = replay('ableton', events).input.state()
    expect(sections.map((s) => [s.name, s.start, s.end])).toEqual([
      ['Intro', 0, 16],
      ['Verse', 16, 48],
      ['Chorus', 48, 72],
    ])
  })
})

describe('Bitwig (DrivenByMoss) dialect', () => {
  test('play state, tempo and position text reach the bridge; marker names without positions do not make sections', () => {
    const { input } = replay('bitwig', bitwigSession())
    expect(input.summary()).toEqual(['tempo 100', 'seek 0', 'play', 'seek 83.456', 'tempo 104.5', 'stop'])
  })

  test('position text formats', () => {
    expect(parseTimeText('0.01.23:456')).toBeCloseTo(83.456, 9)
    expect(parseTimeText('1:02:03.5')).toBe(3723.5)
    expect(parseTimeText('1:23.25')).toBe(83.25)
    expect(parseTimeText('12.5')).toBe(12.5)
    expect(parseTimeText('soon')).toBeNull()
  })
})

describe('bad DAW messages', () => {
  test('wrong argument types name the dialect, address, what was expected and what arrived', () => {
    const input = new RecordingInput()
    const session = new DialectSession(loadDialectPreset('reaper'), input, new TransportFollower(input))
    expect(() => session.handle({ address: '/tempo/raw', args: [{ type: 's', value: 'fast' }] })).toThrow(DialectMessageError)
    expect(() => session.handle({ address: '/tempo/raw', args: [{ type: 's', value: 'fast' }] })).toThrow(/reaper: \/tempo\/raw needs a tempo in bpm, got "fast"/)
    expect(() => session.handle({ address: '/time', args: [] })).toThrow(/reaper: \/time needs a time \(number\), got no arguments/)
    expect(() => session.handle({ address: '/time', args: [{ type: 'f', value: -5 }] })).toThrow(/reaper: \/time: song time must be a finite number >= 0 s, got -5/)
    expect(input.calls).toEqual([])
  })

  test('an odd cue point list is refused', () => {
    const input = new RecordingInput()
    const session = new DialectSession(loadDialectPreset('ableton'), input, new TransportFollower(input))
    expect(() => session.handle({ address: '/live/song/get/cue_points', args: [{ type: 's', value: 'Intro' }] })).toThrow(/needs name, time pairs/)
  })
})
