#!/usr/bin/env node
// Writes the bundled example song: a MIDI score composed here, rendered with fluidsynth, encoded as a
// 16 kHz mono MP3, plus timed lyrics (LRC) and a sections file (CSV).
//   node examples/make-examples.mjs           writes examples/demo-song.{mid,mp3,lrc}, demo-sections.csv
// The song has three parts: a Verse (major, upbeat) whose words are happy too; a Chorus built to
// conflict (the same happy music, sad words); a Bridge (minor, slow) whose words are sad too.
// Tests import `writeSong` to synthesise longer songs (e.g. 3 minutes) at test time.
// Needs: fluidsynth + fluid-soundfont-gm; for MP3, a Python with soundfile (EMOLANE_PYTHON, default /usr/bin/python3).
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import midiFile from 'midi-file'

const { writeMidi } = midiFile
export const SOUNDFONT = process.env.EMOLANE_SOUNDFONT ?? '/usr/share/sounds/sf2/FluidR3_GM.sf2'
const TICKS = 480 // per beat

/** The parts a song is made of; times follow from beats and tempo. */
export const PARTS = {
  verse: {
    name: 'Verse', bpm: 135, beats: 36, mood: 'happy',
    // C major, I-V-vi-IV and back home
    chords: [['C', 'major'], ['G', 'major'], ['A', 'minor'], ['F', 'major'], ['C', 'major'], ['G', 'major'], ['F', 'major'], ['G', 'major'], ['C', 'major']],
    lyrics: [
      "Sunshine in the morning, I'm dancing down the street",
      'Every friend I meet today is smiling back at me',
      'Laughing with the summer, my heart is light and free',
      'Oh what a lovely day, the world is sweet to me',
    ],
  },
  chorus: {
    name: 'Chorus', bpm: 135, beats: 36, mood: 'happy',
    chords: [['F', 'major'], ['C', 'major'], ['G', 'major'], ['C', 'major'], ['F', 'major'], ['C', 'major'], ['G', 'major'], ['G', 'major'], ['C', 'major']],
    // built to conflict: the music stays bright and fast
    lyrics: [
      "I'm crying all alone, my tears will never dry",
      'You left me in the cold and love has said goodbye',
      "Lonely empty nights, I'm broken and I die",
      'Nothing left but sorrow, grief and pain inside',
    ],
  },
  bridge: {
    name: 'Bridge', bpm: 72, beats: 24, mood: 'sad',
    chords: [['A', 'minor'], ['D', 'minor'], ['F', 'major'], ['E', 'minor'], ['A', 'minor'], ['A', 'minor']],
    lyrics: [
      'Grey rain on the window, the candle burning low',
      'Missing you forever, with nowhere else to go',
      'Silent tears of sorrow on the cold and lonely road',
      'Goodbye my only love, I lost you long ago',
    ],
  },
}

const PITCH = { C: 0, 'C#': 1, D: 2, Eb: 3, E: 4, F: 5, 'F#': 6, G: 7, Ab: 8, A: 9, Bb: 10, B: 11 }
const triad = (root, quality) => {
  const r = PITCH[root]
  return [r, r + (quality === 'major' ? 4 : 3), r + 7]
}

/** Seconds a part lasts. */
export const partSeconds = (part) => (part.beats * 60) / part.bpm

/** Notes and tempo events for a list of part keys; returns MIDI bytes, sections and lyric lines. */
export function composeSong(partKeys) {
  const events = [] // { tick, order, event }
  const sections = []
  const lines = []
  let tick = 0
  let seconds = 0
  const note = (t, channel, pitch, lengthTicks, velocity) => {
    events.push({ tick: t, order: 1, event: { type: 'noteOn', channel, noteNumber: pitch, velocity } })
    events.push({ tick: t + lengthTicks, order: 0, event: { type: 'noteOff', channel, noteNumber: pitch, velocity: 0 } })
  }
  const programs = (t, list) => list.forEach(([channel, programNumber]) => events.push({ tick: t, order: -1, event: { type: 'programChange', channel, programNumber } }))
  partKeys.forEach((key, index) => {
    const part = PARTS[key]
    if (!part) throw new RangeError(`unknown part ${JSON.stringify(key)}; expected one of ${Object.keys(PARTS).join(', ')}`)
    events.push({ tick, order: -2, event: { type: 'setTempo', microsecondsPerBeat: Math.round(60_000_000 / part.bpm) } })
    const happy = part.mood === 'happy'
    // happy: bright piano, picked bass, trumpet-ish lead, drums; sad: strings, soft piano, cello
    programs(tick, happy ? [[0, 0], [1, 33], [2, 56], [3, 48]] : [[0, 0], [1, 42], [2, 71], [3, 48]])
    const beatsPerChord = part.beats / part.chords.length
    part.chords.forEach(([root, quality], c) => {
      const start = tick + c * beatsPerChord * TICKS
      const [a, b, d] = triad(root, quality)
      if (happy) {
        for (let beat = 0; beat < beatsPerChord; beat++) {
          const t = start + beat * TICKS
          for (const p of [a, b, d]) note(t, 0, 60 + p, TICKS / 2, 92)
          note(t, 1, 36 + a, TICKS / 2, 100)
          note(t + TICKS / 2, 1, 48 + a, TICKS / 2, 80)
          note(t, 9, beat % 2 === 0 ? 36 : 38, TICKS / 4, 110)
          note(t, 9, 42, TICKS / 4, 70)
          note(t + TICKS / 2, 9, 42, TICKS / 4, 60)
          // a major-pentatonic lead in eighths, rising through the chord
          const scale = [0, 2, 4, 7, 9]
          for (let e = 0; e < 2; e++) note(t + (e * TICKS) / 2, 2, 72 + ((a + scale[(beat * 2 + e + c) % 5]) % 12), TICKS / 2, 84)
        }
        for (const p of [a, b, d]) note(start, 3, 72 + p, beatsPerChord * TICKS, 50)
      } else {
        const length = beatsPerChord * TICKS
        for (const p of [a, b, d]) note(start, 3, 48 + p, length, 58)
        note(start, 1, 36 + a, length, 64)
        const arpeggio = [a, b, d, b]
        for (let beat = 0; beat < beatsPerChord; beat++) note(start + beat * TICKS, 0, 60 + arpeggio[beat % 4], TICKS, 45)
        note(start, 2, 60 + d, length, 40)
      }
    })
    const length = partSeconds(part)
    sections.push({ start: seconds, end: seconds + length, name: partKeys.length > 3 || partKeys.indexOf(key) !== index ? `${part.name} ${index + 1}` : part.name })
    const step = length / part.lyrics.length
    part.lyrics.forEach((text, i) => lines.push({ start: seconds + i * step + 0.4, text }))
    tick += part.beats * TICKS
    seconds += length
  })
  events.sort((x, y) => x.tick - y.tick || x.order - y.order)
  let last = 0
  const track = events.map(({ tick: t, event }) => {
    const deltaTime = t - last
    last = t
    return { deltaTime, ...event }
  })
  track.push({ deltaTime: TICKS * 2, type: 'endOfTrack' })
  const midi = Uint8Array.from(writeMidi({ header: { format: 0, numTracks: 1, ticksPerBeat: TICKS }, tracks: [track] }))
  return { midi, sections, lines, duration: seconds }
}

const clock = (s) => {
  const cs = Math.round(s * 100)
  return `${String(Math.floor(cs / 6000)).padStart(2, '0')}:${String(Math.floor(cs / 100) % 60).padStart(2, '0')}.${String(cs % 100).padStart(2, '0')}`
}

/** LRC text for lyric lines. */
export const toLrc = (lines, title) => [`[ti:${title}]`, '[by:emolane examples/make-examples.mjs]', ...lines.map((l) => `[${clock(l.start)}]${l.text}`)].join('\n') + '\n'

/** CSV text for sections. */
export const toCsv = (sections) => ['start,end,name', ...sections.map((s) => `${s.start.toFixed(3)},${s.end.toFixed(3)},${s.name}`)].join('\n') + '\n'

/** Renders MIDI bytes to a 16 kHz stereo WAV with fluidsynth. */
export function renderWav(midiPath, wavPath, sampleRate = 16000) {
  if (!existsSync(SOUNDFONT)) throw new Error(`sound font ${SOUNDFONT} not found: install fluid-soundfont-gm or set EMOLANE_SOUNDFONT`)
  execFileSync('fluidsynth', ['-ni', '-q', '-g', '0.7', '-r', String(sampleRate), '-F', wavPath, SOUNDFONT, midiPath], { stdio: ['ignore', 'ignore', 'inherit'] })
}

/**
 * Writes `<dir>/<base>.mid`, `.wav` (or `.mp3` with `mp3: true`), `.lrc` and `<base>-sections.csv`
 * for the given parts; returns their paths and the song's sections, lines and duration.
 */
export function writeSong(dir, base, partKeys, { mp3 = false } = {}) {
  mkdirSync(dir, { recursive: true })
  const song = composeSong(partKeys)
  const paths = { midi: join(dir, `${base}.mid`), wav: join(dir, `${base}.wav`), lrc: join(dir, `${base}.lrc`), sections: join(dir, `${base}-sections.csv`) }
  writeFileSync(paths.midi, song.midi)
  renderWav(paths.midi, paths.wav)
  writeFileSync(paths.lrc, toLrc(song.lines, base))
  writeFileSync(paths.sections, toCsv(song.sections))
  let audio = paths.wav
  if (mp3) {
    audio = join(dir, `${base}.mp3`)
    const python = process.env.EMOLANE_PYTHON ?? '/usr/bin/python3'
    // mono mixdown, peak-normalised to -1 dBFS, MP3 at 16 kHz
    const script = 'import sys,soundfile as sf\nx,r=sf.read(sys.argv[1],always_2d=True)\nm=x.mean(axis=1)\nm=m/max(1e-9,abs(m).max())*0.89\nsf.write(sys.argv[2],m,r,format="MP3")'
    execFileSync(python, ['-c', script, paths.wav, audio], { stdio: ['ignore', 'ignore', 'inherit'] })
  }
  return { ...song, paths: { ...paths, audio } }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const here = dirname(fileURLToPath(import.meta.url))
  const song = writeSong(here, 'demo-song', ['verse', 'chorus', 'bridge'], { mp3: true })
  // the intermediate WAV is not shipped; the MP3 is (it also exercises MP3 decoding)
  execFileSync('rm', ['-f', song.paths.wav])
  execFileSync('mv', [song.paths.sections, join(here, 'demo-sections.csv')])
  console.log(`wrote examples/demo-song.mid, demo-song.mp3 (${song.duration.toFixed(1)} s), demo-song.lrc, demo-sections.csv`)
}
