/** `emolane stream <audio>`: plays a file into a running bridge in real time, as a DAW would. */
import { decodeAudioFile } from '../audio/decode.js'
import type { LyricLine, SectionSpan } from '../analysis/types.js'
import { resolveEncoding } from '../lyrics/decode-text.js'
import { loadLyrics, noLyricsWarning } from '../lyrics/index.js'
import { loadSections } from '../sections/index.js'
import { playInto, type Song } from '../stream/file-player.js'
import { bridgeDefaults } from '../server/options.js'
import { apiUrlFor, switchProject } from '../stream/project-switch.js'
import { openTarget } from '../stream/stream-target.js'
import { numberOption, parseArgs, UsageError } from './args.js'
import type { Command } from './command.js'
import { ProgressBar } from './progress-bar.js'

const usage = `usage: emolane stream <audio> [options]

Plays an audio file into a running bridge (emolane serve) the way a DAW does: tempo, sections and
lyric lines first, then transport play, audio blocks in real time, and stop at the end.

  --to URL           udp://HOST:PORT (OSC, default udp://127.0.0.1:9000) or ws://HOST:PORT/ws-in
                     (OSC + binary audio over WebSocket)
  --lyrics FILE      timed lyrics sent as /emolane/lyrics/line (LRC, SRT, WebVTT, .kar, UltraStar, text)
  --sections FILE    sections sent as /emolane/section (CSV, JSON, REAPER export, Audacity labels, MIDI)
  --encoding LABEL   text encoding of the lyric and section files (utf-8, utf-16le, windows-1252,
                     latin1, ...); detected when absent
  --speed X          playback speed, 1 = real time (default 1; tests use 8 or more)
  --block-ms N       audio block length in ms (default 50; UDP blocks are split to fit one datagram)
  --rate HZ          sample rate sent, as the DAW session's (default 48000)
  --channels 1|2     channels sent (default 2: the mono mix on both)
  --tempo BPM        tempo sent as /emolane/tempo
  --from S, --until S  play only this stretch of the song (seconds)
  --project NAME     switch the bridge to this project first; stops if the bridge refuses it
  --http URL         the bridge's HTTP address, to confirm --project over UDP (default
                     http://HOST:${bridgeDefaults.httpPort}; for ws:// the same host and port)
  --token T          the bridge's token (or EMOLANE_TOKEN)
  --quiet            no progress bar`

const spec = {
  values: {
    to: 'udp://127.0.0.1:9000', lyrics: undefined, sections: undefined, encoding: undefined, speed: '1', 'block-ms': '50', rate: '48000', channels: '2',
    tempo: undefined, from: undefined, until: undefined, project: undefined, token: undefined, http: undefined,
  },
  flags: ['quiet'],
  positionals: [1, 1] as [number, number],
}

/** Decodes a song file with its lyrics and sections, ready for playInto. */
export async function loadSong(path: string, opts: { rate: number; lyrics?: string; sections?: string; encoding?: string; tempo?: number }): Promise<Song & { lyrics: LyricLine[]; sections: SectionSpan[] }> {
  const audio = await decodeAudioFile(path, { sampleRate: opts.rate })
  const sections = opts.sections ? await loadSections(opts.sections, { duration: audio.duration, tempo: opts.tempo, encoding: opts.encoding }) : []
  const lyrics = opts.lyrics ? await loadLyrics(opts.lyrics, { duration: audio.duration, sections: sections.length ? sections : undefined, encoding: opts.encoding }) : []
  return { pcm: audio.pcm, sampleRate: audio.sampleRate, lyrics, sections, tempo: opts.tempo ?? null }
}

async function run(argv: string[]): Promise<number> {
  const args = parseArgs(argv, spec)
  const speed = numberOption(args, 'speed', 0.01, 1000)!
  const blockMs = numberOption(args, 'block-ms', 1, 10_000)!
  const rate = numberOption(args, 'rate', 8000, 192_000)!
  const channels = numberOption(args, 'channels', 1, 2)!
  if (!Number.isInteger(rate) || !Number.isInteger(channels)) throw new UsageError(`--rate and --channels must be whole numbers, got ${rate} and ${channels}`)
  const tempo = numberOption(args, 'tempo', 1, 1000)
  let encoding
  try {
    encoding = args.values.encoding === undefined ? undefined : resolveEncoding(args.values.encoding)
  } catch (err) {
    throw new UsageError(`--encoding: ${(err as Error).message}`)
  }
  const song = await loadSong(args.positionals[0]!, { rate, lyrics: args.values.lyrics, sections: args.values.sections, encoding, tempo })
  const empty = args.values.lyrics ? noLyricsWarning(args.values.lyrics, song.lyrics) : null
  if (empty) console.error(`emolane stream: ${empty}`)
  const token = args.values.token ?? process.env.EMOLANE_TOKEN ?? null
  let target
  try {
    target = await openTarget(args.values.to!, token, { strict: true })
  } catch (err) {
    if (err instanceof TypeError) throw new UsageError(err.message)
    throw err
  }
  const project = args.values.project
  if (project !== undefined) {
    try {
      await switchProject(target, project, { url: args.values.http ?? apiUrlFor(target.url, bridgeDefaults.httpPort!), token })
    } catch (err) {
      await target.close()
      throw err
    }
  }
  const bar = args.flags.has('quiet') ? null : new ProgressBar()
  const abort = new AbortController()
  const onInt = (): void => abort.abort()
  process.once('SIGINT', onInt)
  try {
    const report = await playInto(target, song, {
      speed,
      blockMs,
      channels: channels as 1 | 2,
      from: numberOption(args, 'from', 0, 1e6),
      until: numberOption(args, 'until', 0, 1e6),
      signal: abort.signal,
      onProgress: bar ? (t, d) => bar.update(`streaming to ${target.url}`, t, d) : undefined,
    })
    bar?.done()
    // datagrams are fire and forget: a refusal seen only after the last one still means nothing was heard
    if (target.refused) throw target.refused
    console.error(
      `emolane stream: ${report.seconds.toFixed(1)} s of audio in ${report.blocks} blocks, ${report.lyrics} lyric lines, ${report.sections} sections to ${target.url} in ${report.wallSeconds.toFixed(1)} s${abort.signal.aborted ? ' (interrupted)' : ''}`,
    )
    for (const e of target.errors) console.error(`emolane stream: the bridge refused something: ${e.code}: ${e.message}`)
  } finally {
    bar?.done()
    process.off('SIGINT', onInt)
    await target.close()
  }
  return 0
}

/** The `stream` command. */
export const streamCommand: Command = { name: 'stream', usage, run }
