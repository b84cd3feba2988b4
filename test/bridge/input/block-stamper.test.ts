import { describe, expect, test } from 'vitest'
import { TransportFollower } from '../../../bridge/daw/transport-follower.js'
import { BlockStamper } from '../../../bridge/input/block-stamper.js'
import type { AudioBlock } from '../../../bridge/server/protocol.js'
import { RecordingInput } from '../daw/recording-input.js'

const rate = 8000
const chunk = 1024 // frames per device callback

function setup(blockSeconds = 0.25) {
  let wall = 0
  const follower = new TransportFollower(new RecordingInput(), { wallClock: () => wall })
  const blocks: AudioBlock[] = []
  const stamper = new BlockStamper(follower, (b) => blocks.push(b), { sampleRate: rate, channels: 2, blockSeconds })
  let counter = 0
  /** One device callback: time passes by the chunk's length (plus jitter), then the chunk arrives. */
  const callback = (jitterMs = 0) => {
    wall += (chunk / rate) * 1000 + jitterMs
    const chans = [0, 1].map((c) => Float32Array.from({ length: chunk }, (_, i) => counter + i + c * 0.5))
    counter += chunk
    stamper.push(chans)
  }
  return { follower, blocks, callback, advance: (ms: number) => (wall += ms) }
}

describe('capture block stamping', () => {
  test('while the DAW plays, blocks are contiguous, interleaved, and start where the play head was', () => {
    const { follower, blocks, callback } = setup()
    follower.position(10)
    follower.setPlaying(true)
    for (let k = 0; k < 40; k++) callback(k % 3 === 0 ? 7 : -3) // callback timing jitter of a few ms
    expect(blocks.length).toBe(Math.floor((40 * chunk) / 2000))
    expect(blocks[0]!.time).toBeCloseTo(10, 1) // within the first callback's jitter
    for (let k = 1; k < blocks.length; k++) expect(blocks[k]!.time).toBeCloseTo(blocks[k - 1]!.time + 0.25, 9) // no gaps, no overlaps
    expect(blocks[0]!.channels).toBe(2)
    expect(blocks[0]!.samples.length).toBe(2000 * 2)
    expect(Array.from(blocks[0]!.samples.subarray(0, 4))).toEqual([0, 0.5, 1, 1.5]) // L R L R
    expect(blocks[1]!.samples[0]).toBe(2000) // the next block continues the samples
  })

  test('a jump of the play head starts a new run at the new time', () => {
    const { follower, blocks, callback } = setup()
    follower.position(0)
    follower.setPlaying(true)
    for (let k = 0; k < 10; k++) callback()
    const before = blocks.length
    follower.position(60) // loop or click
    for (let k = 0; k < 10; k++) callback()
    const after = blocks.slice(before)
    expect(after[0]!.time).toBeGreaterThanOrEqual(60 - 0.01)
    expect(after[0]!.time).toBeLessThan(60.2)
    expect(blocks.slice(0, before).every((b) => b.time < 2)).toBe(true)
  })

  test('nothing is sent while the DAW is stopped, and a half-filled block is dropped at stop', () => {
    const { follower, blocks, callback } = setup(1)
    follower.position(5)
    follower.setPlaying(true)
    for (let k = 0; k < 5; k++) callback() // 0.64 s: not a whole block yet
    follower.setPlaying(false)
    for (let k = 0; k < 20; k++) callback()
    expect(blocks).toEqual([])
  })

  test('bad settings are refused with what arrived', () => {
    const follower = new TransportFollower(new RecordingInput())
    expect(() => new BlockStamper(follower, () => {}, { sampleRate: 8000, channels: 0 })).toThrow(/channels must be a whole number >= 1, got 0/)
    expect(() => new BlockStamper(follower, () => {}, { sampleRate: 8000, channels: 1, blockSeconds: 5 })).toThrow(/blockSeconds must be in \(0, 2\], got 5/)
  })
})
