import { describe, expect, test } from 'vitest'
import { parseFeedMessage, TimelineState } from '../../panel/timeline-state.js'
import { frame, frames, section, snapshot, status } from './feed-fixtures.js'

describe('TimelineState', () => {
  test('a snapshot replaces everything held, sorted by time', () => {
    const st = new TimelineState()
    st.apply({ type: 'frames', frames: [frame(100, 0.1)] }, 0)
    st.apply(snapshot({ frames: [frame(2, 0.1), frame(1, 0.2)], sections: [section('A', 0, 4, 0.2)] }), 0)
    expect(st.frames.map((f) => f.t)).toEqual([1, 2])
    expect(st.sections.map((s) => s.name)).toEqual(['A'])
    expect(st.snapshots).toBe(1)
  })

  test('frames arriving out of order are inserted in time order; a re-analysed window replaces the old one', () => {
    const st = new TimelineState()
    st.apply({ type: 'frames', frames: frames(0, 5, 0.5, () => 0.1) }, 0)
    st.apply({ type: 'frames', frames: [frame(1.25, 0.3), frame(2, -0.9)] }, 0)
    expect(st.frames.map((f) => f.t)).toEqual([0, 0.5, 1, 1.25, 1.5, 2, 2.5, 3, 3.5, 4, 4.5])
    expect(st.frames.find((f) => f.t === 2)!.valence).toBe(-0.9)
  })

  test("'lyric-lines' replaces the lines with the same start and adds the others, in time order; 'lyrics' replaces the list", () => {
    const st = new TimelineState()
    st.apply({ type: 'lyrics', lines: [{ start: 1, end: 2, text: 'one' }, { start: 3, end: 4, text: 'three' }] }, 0)
    st.apply(parseFeedMessage(JSON.stringify({ type: 'lyric-lines', lines: [{ start: 3.0004, end: 4, text: 'THREE' }, { start: 2, end: 3, text: 'two' }] })), 0)
    expect(st.lyrics.map((l) => l.text)).toEqual(['one', 'two', 'THREE'])
    st.apply({ type: 'lyrics', lines: [] }, 0)
    expect(st.lyrics).toEqual([])
  })

  test('invalidate drops frames whose centre is in [start, end)', () => {
    const st = new TimelineState()
    st.apply({ type: 'frames', frames: frames(0, 5, 0.5, () => 0.1) }, 0)
    const before = st.framesRevision
    st.apply({ type: 'invalidate', start: 1, end: 2 }, 0)
    expect(st.frames.map((f) => f.t)).toEqual([0, 0.5, 2, 2.5, 3, 3.5, 4, 4.5])
    expect(st.framesRevision).toBeGreaterThan(before)
  })

  test('frames with missing or non-finite numbers are ignored, the rest kept', () => {
    const st = new TimelineState()
    const bad = [{ t: NaN, valence: 0, arousal: 0 }, { t: 1 }, null, 'x'] as never[]
    st.apply({ type: 'frames', frames: [...bad, frame(3, 0.2)] }, 0)
    expect(st.frames.map((f) => f.t)).toEqual([3])
  })

  test('the play head moves on while the transport plays and stops where a stop put it', () => {
    const st = new TimelineState()
    st.apply({ type: 'transport', state: { playing: true, time: 10, tempo: 120 } }, 1000)
    expect(st.playhead(3000)).toBeCloseTo(12)
    st.apply({ type: 'transport', state: { playing: false, time: 42, tempo: 120 } }, 4000)
    expect(st.playhead(9000)).toBe(42)
  })

  test('a status message does not move a play head a transport message already placed', () => {
    const st = new TimelineState()
    st.apply({ type: 'transport', state: { playing: false, time: 30, tempo: null } }, 0)
    st.apply({ type: 'status', status: status({ transport: { playing: false, time: 5, tempo: null } }) }, 10)
    expect(st.playhead(20)).toBe(30)
  })

  test('the play head learns the playback rate from the position the bridge reports while playing', () => {
    const st = new TimelineState()
    st.apply({ type: 'transport', state: { playing: true, time: 0, tempo: null }, }, 0)
    // A stream at 4x: the audio (and the bridge's position) runs four song seconds per second.
    for (let s = 1; s <= 6; s++) st.apply({ type: 'status', status: status({ transport: { playing: true, time: 4 * s, tempo: null } }) }, s * 1000)
    expect(st.playhead(6500)).toBeCloseTo(26, 0)
  })

  test('a position report a little behind the running play head does not pull the cursor back', () => {
    const st = new TimelineState()
    st.apply({ type: 'transport', state: { playing: true, time: 10, tempo: null } }, 0)
    st.apply({ type: 'status', status: status({ transport: { playing: true, time: 10.95, tempo: null } }) }, 1000)
    expect(st.playhead(1000)).toBeCloseTo(11, 1)
    expect(st.playhead(1000)).toBeGreaterThanOrEqual(10.95)
  })

  test('extent covers frames, sections and lyrics', () => {
    const st = new TimelineState()
    st.apply(snapshot({ frames: [frame(10, 0)], sections: [section('S', 0, 20, 0)], lyrics: [{ start: 25, end: 31, text: 'x' }] }), 0)
    expect(st.extent()).toBe(31)
  })
})

describe('parseFeedMessage', () => {
  test('says what it expected when the message is not JSON, not an object, or of an unknown type', () => {
    expect(() => parseFeedMessage('{oops')).toThrow(/must be JSON/)
    expect(() => parseFeedMessage('[1]')).toThrow(/must be an object, got array/)
    expect(() => parseFeedMessage('{"type":"boom"}')).toThrow(/type must be one of .*got "boom"/)
    expect(parseFeedMessage('{"type":"frames","frames":[]}').type).toBe('frames')
  })
})
