import { describe, expect, test } from 'vitest'
import { loadLyrics, parseLyrics } from '../../../bridge/lyrics/index.js'
import { fixture } from './fixture-path.js'

describe('UltraStar lyrics', () => {
  test('places syllables by BPM and GAP and joins them into words', async () => {
    const lines = await loadLyrics(fixture('lyrics/ultrastar.txt'))
    expect(lines.map((l) => l.text)).toEqual(['Paper lanterns', 'oh yeah'])
    const [paper, lanterns] = lines[0]!.words!
    // BPM 150 -> a beat is 60 / 600 s; GAP 2000,5 ms.
    expect(paper!.start).toBeCloseTo(2.0005, 6)
    expect(paper!.end).toBeCloseTo(2.8005, 6)
    expect(lanterns!.end).toBeCloseTo(3.6005, 6)
    expect(lines[0]!.end).toBeCloseTo(3.6005, 6)
    expect(lines[1]!.start).toBeCloseTo(4.4005, 6)
  })

  test('relative mode counts beats from each line break', () => {
    const text = '#BPM:60\n#RELATIVE:yes\n: 0 4 60 one\n- 8 8\n: 0 4 60 two\nE\n'
    const lines = parseLyrics(text)
    expect(lines.map((l) => [l.text, l.start])).toEqual([
      ['one', 0],
      ['two', 2],
    ])
  })

  test('a malformed note names the file and line', async () => {
    await expect(loadLyrics(fixture('lyrics/broken-note.txt'))).rejects.toThrow(/broken-note\.txt: line 4: expected a note/)
  })

  test('a file without #BPM says so', () => {
    expect(() => parseLyrics('#TITLE:x\n: 0 4 60 a\n', 'ultrastar', { file: 'x.txt' })).toThrow(/x\.txt: line 1: an UltraStar file needs a #BPM: header/)
  })
})
