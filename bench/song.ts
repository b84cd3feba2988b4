/** The bench song: about 3 minutes with lyrics and sections, composed by examples/make-examples.mjs and rendered with fluidsynth, cached in bench/out/. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { packageRoot } from '../bridge/engine/model-dir.js'
import type { PartKey } from '../examples/make-examples.mjs'

/** Parts of the bench song: verse, chorus, bridge three times, then verse and chorus (188 s). */
export const SONG_PARTS: PartKey[] = ['verse', 'chorus', 'bridge', 'verse', 'chorus', 'bridge', 'verse', 'chorus', 'bridge', 'verse', 'chorus']

/** Files of the rendered song. */
export type BenchSong = {
  /** 16 kHz stereo WAV as fluidsynth renders it */
  wav: string
  /** the same song rendered at 44.1 kHz, as a DAW bounces it (the whole-process figures read both) */
  wav44: string
  lrc: string
  sections: string
  /** seconds */
  duration: number
  lyricLines: number
  /** True when it was rendered now (false: reused from the cache). */
  rendered: boolean
}

/**
 * examples/make-examples.mjs, imported at run time: bundled into dist/bench.js its "run as a script"
 * check would match the bundle and rewrite the shipped example song.
 */
async function loadExamples(): Promise<typeof import('../examples/make-examples.mjs')> {
  return (await import(pathToFileURL(join(packageRoot(), 'examples', 'make-examples.mjs')).href)) as typeof import('../examples/make-examples.mjs')
}

/** Renders the song into `dir` unless an identical render is cached there. */
export async function ensureBenchSong(dir: string): Promise<BenchSong> {
  const meta = join(dir, 'song.json')
  const paths = { wav: join(dir, 'song.wav'), wav44: join(dir, 'song-44k.wav'), lrc: join(dir, 'song.lrc'), sections: join(dir, 'song-sections.csv') }
  const key = SONG_PARTS.join(',')
  if (existsSync(meta) && Object.values(paths).every((p) => existsSync(p))) {
    try {
      const m = JSON.parse(readFileSync(meta, 'utf8')) as { parts: string; duration: number; lyricLines: number }
      if (m.parts === key) return { ...paths, duration: m.duration, lyricLines: m.lyricLines, rendered: false }
    } catch {
      // a broken cache entry is rendered again
    }
  }
  let song
  try {
    const examples = await loadExamples()
    song = examples.writeSong(dir, 'song', SONG_PARTS)
    examples.renderWav(song.paths.midi, paths.wav44, 44_100)
  } catch (cause) {
    throw new Error(`cannot render the bench song with fluidsynth (needs fluidsynth and fluid-soundfont-gm): ${cause instanceof Error ? cause.message : String(cause)}`, { cause })
  }
  writeFileSync(meta, JSON.stringify({ parts: key, duration: song.duration, lyricLines: song.lines.length }))
  return { ...paths, duration: song.duration, lyricLines: song.lines.length, rendered: true }
}
