/**
 * Tempo estimates against songs of known tempo. Always: the bundled example (135 BPM). With
 * EMOLANE_TEMPO_SET=N (and ../shared/datasets plus fluidsynth present): N MIDI files from vgmidi and
 * MIREX with one tempo each, rendered with fluidsynth, measured over their first 60 s; prints the
 * accuracy (within 4 %, and within 4 % of double or half) that docs/analysis-accuracy.md reports.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseMidi } from 'midi-file'
import { describe, expect, test } from 'vitest'
import { estimateTempo } from '../../../bridge/analysis/tempo.js'
import { decodeAudioFile } from '../../../bridge/audio/decode.js'

const root = join(import.meta.dirname, '../../..')
const datasets = join(root, '..', 'shared', 'datasets', 'music')
const soundFont = '/usr/share/sounds/sf2/FluidR3_GM.sf2'
const setSize = Number(process.env.EMOLANE_TEMPO_SET ?? 0)
const haveSet = setSize > 0 && existsSync(datasets) && existsSync(soundFont)

/** 'exact' within 4 %, 'octave' within 4 % of double or half the true tempo, else 'wrong'. */
function grade(estimate: number | null, truth: number): 'exact' | 'octave' | 'wrong' {
  if (estimate === null) return 'wrong'
  const near = (x: number) => Math.abs(estimate / x - 1) <= 0.04
  return near(truth) ? 'exact' : near(truth * 2) || near(truth / 2) ? 'octave' : 'wrong'
}

/** The one tempo of a MIDI file (bpm), or null when it changes (or is missing). */
function midiTempo(path: string): number | null {
  const midi = parseMidi(readFileSync(path))
  const tempos = new Set<number>()
  for (const track of midi.tracks) for (const e of track) if (e.type === 'setTempo') tempos.add(Math.round(60_000_000 / e.microsecondsPerBeat * 10) / 10)
  return tempos.size === 1 ? [...tempos][0]! : null
}

describe('tempo estimates against known tempos', () => {
  test('the bundled example (135 BPM) is measured within 4 %', async () => {
    const { pcm, sampleRate } = await decodeAudioFile(join(root, 'examples/demo-song.mp3'))
    expect(grade(estimateTempo(pcm, sampleRate), 135)).toBe('exact')
  })

  test.skipIf(!haveSet)('rendered MIDI songs: the share within 4 %, and within 4 % of an octave', async () => {
    const files = ['vgmidi/midi', 'mirex/midi'].flatMap((d) => readdirSync(join(datasets, d)).filter((f) => f.endsWith('.mid')).map((f) => join(datasets, d, f)))
    // every k-th file with a single tempo, for a spread over both sets
    const candidates = files.filter((_, i) => i % 7 === 0).map((f) => ({ f, bpm: midiTempo(f) })).filter((c) => c.bpm !== null).slice(0, setSize)
    const dir = mkdtempSync(join(tmpdir(), 'emolane-tempo-'))
    const counts = { exact: 0, octave: 0, wrong: 0 }
    try {
      for (const [i, { f, bpm }] of candidates.entries()) {
        const wav = join(dir, `${i}.wav`)
        execFileSync('fluidsynth', ['-ni', '-q', '-r', '16000', '-F', wav, soundFont, f], { stdio: 'ignore', timeout: 120_000 })
        const { pcm, sampleRate } = await decodeAudioFile(wav)
        const estimate = estimateTempo(pcm.subarray(0, 60 * sampleRate), sampleRate)
        const g = grade(estimate, bpm!)
        counts[g]++
        console.log(`${g.padEnd(6)} true ${bpm} estimate ${estimate}  ${f.split('/').slice(-3).join('/')}`)
      }
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
    const n = candidates.length
    console.log(`tempo: ${n} songs, within 4 %: ${counts.exact} (${Math.round((100 * counts.exact) / n)} %), octave errors: ${counts.octave}, other: ${counts.wrong}`)
    expect(n).toBeGreaterThan(0)
  }, 1_200_000)
})
