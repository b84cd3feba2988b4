import { describe, expect, test } from 'vitest'
import { TransportFollower } from '../../../bridge/daw/transport-follower.js'
import { RecordingInput } from './recording-input.js'

function setup() {
  let wall = 0
  const input = new RecordingInput()
  const follower = new TransportFollower(input, { wallClock: () => wall })
  return { input, follower, advance: (ms: number) => (wall += ms) }
}

describe('transport follower', () => {
  test('steady position reports while playing are not seeks; a jump is', () => {
    const { input, follower, advance } = setup()
    follower.position(10)
    follower.setPlaying(true)
    for (let i = 1; i <= 20; i++) {
      advance(50)
      follower.position(10 + i * 0.05 + (i % 2 ? 0.02 : -0.02)) // report jitter
    }
    advance(50)
    follower.position(3) // loop back
    expect(input.summary()).toEqual(['seek 10', 'play', 'seek 3'])
  })

  test('while stopped, moving the cursor is a seek', () => {
    const { input, follower, advance } = setup()
    follower.position(0)
    advance(2000)
    follower.position(0) // the clock does not run while stopped
    follower.position(42.5)
    expect(input.summary()).toEqual(['seek 0', 'seek 42.5'])
  })

  test('the clock runs only while playing', () => {
    const { follower, advance } = setup()
    follower.position(5)
    advance(1000)
    expect(follower.now()).toBe(5)
    follower.setPlaying(true)
    advance(1500)
    expect(follower.now()).toBeCloseTo(6.5, 9)
    follower.setPlaying(false)
    advance(1000)
    expect(follower.now()).toBeCloseTo(6.5, 9)
  })

  test('repeated play, stop and tempo reports reach the bridge once', () => {
    const { input, follower } = setup()
    follower.setPlaying(true)
    follower.setPlaying(true)
    follower.setTempo(120)
    follower.setTempo(120.0000001)
    follower.setTempo(96)
    follower.setPlaying(false)
    follower.setPlaying(false)
    expect(input.summary()).toEqual(['play', 'tempo 120', 'tempo 96', 'stop'])
  })

  test('impossible positions and tempos are refused with what arrived', () => {
    const { follower } = setup()
    expect(() => follower.position(Number.NaN)).toThrow(/song time must be a finite number >= 0 s, got NaN/)
    expect(() => follower.setTempo(-3)).toThrow(/tempo must be in \(0, 1000\] bpm, got -3/)
  })
})
