/** `emolane watch <folder-or-file>`: re-analyses a bounce each time the DAW rewrites it. */
import { existsSync } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { basename, dirname, extname, join } from 'node:path'
import { analyzeFile } from '../analysis/analyze-file.js'
import { clock } from '../analysis/format-summary.js'
import { loadPreset } from '../analysis/presets.js'
import type { Analysis, Reading } from '../analysis/types.js'
import { deviceLine, EmotionModel } from '../engine/emotion-model.js'
import { DEVICES, parseDevice } from '../engine/execution-provider.js'
import { resolveEncoding } from '../lyrics/decode-text.js'
import { fsReason } from '../io/fs-error.js'
import { writeFileAtomic } from '../io/write-atomic.js'
import { BounceWatcher, type WatchEvent } from '../watch/bounce-watcher.js'
import { OutputNames } from '../watch/output-names.js'
import { numberOption, parseArgs, UsageError } from './args.js'
import type { Command } from './command.js'

const usage = `usage: emolane watch <folder-or-file> [options]

Watches a bounce (or every audio file in a folder) and analyses it again each time your DAW
renders over it: once the render has finished writing, never half-way. Keeps one timeline per
file; stop with Ctrl+C.

  --lyrics FILE        lyrics for the song (LRC, SRT, WebVTT, .kar/MIDI, UltraStar, text); without
                       it, a file beside each bounce with the same name (.lrc .srt .vtt .kar .txt)
  --sections FILE      sections (CSV/TSV, JSON, REAPER region export, Audacity labels, MIDI
                       markers); without it, <name>.sections.csv or .json beside the bounce
  --encoding LABEL     text encoding of the lyric and section files (utf-8, utf-16le,
                       windows-1252, latin1, ...); detected when absent
  --out DIR            write <name>.emolane.json per bounce here (created if missing); a second
                       bounce with the same name (mix.wav beside mix.mp3) gets <name>.wav.emolane.json
  --tempo BPM          the song's tempo where known
  --settle MS          how long writes must have stopped before analysing (default 750)
  --device NAME        ${DEVICES.join('|')} (default auto)
  --preset NAME|FILE   analysis preset (default 'default')
  --model DIR          model folder with manifest.json (default: the bundled model)`

const spec = {
  values: { lyrics: undefined, sections: undefined, encoding: undefined, out: undefined, tempo: undefined, settle: undefined, device: 'auto', preset: 'default', model: undefined },
  flags: [],
  positionals: [1, 1] as [number, number],
}

const LYRIC_SIDECARS = ['.lrc', '.srt', '.vtt', '.kar', '.txt']
const SECTION_SIDECARS = ['.sections.csv', '.sections.json']

/** A file beside `audio` with its name and one of `extensions`, if there is one. */
function sidecar(audio: string, extensions: string[]): string | undefined {
  const stem = join(dirname(audio), basename(audio, extname(audio)))
  return extensions.map((e) => stem + e).find((f) => existsSync(f))
}

const reading = (r: Reading) => `${r.label} ${Math.round(Math.max(...r.polarity) * 100)}% V ${r.valence >= 0 ? '+' : ''}${r.valence.toFixed(2)} A ${r.arousal >= 0 ? '+' : ''}${r.arousal.toFixed(2)}`

async function run(argv: string[]): Promise<number> {
  const args = parseArgs(argv, spec)
  const [target] = args.positionals as [string]
  const tempo = numberOption(args, 'tempo', 20, 400)
  const settleMs = numberOption(args, 'settle', 0, 600_000)
  let device
  try {
    device = parseDevice(args.values.device!)
  } catch (err) {
    throw new UsageError((err as Error).message)
  }
  let encoding
  try {
    encoding = args.values.encoding === undefined ? undefined : resolveEncoding(args.values.encoding)
  } catch (err) {
    throw new UsageError(`--encoding: ${(err as Error).message}`)
  }
  const preset = await loadPreset(args.values.preset)
  const outDir = args.values.out
  if (outDir) await mkdir(outDir, { recursive: true })
  const model = await EmotionModel.load({ device, modelDir: args.values.model, onWarning: (w) => console.error(`emolane: ${w}`) })
  console.error(`emolane watch: model ${model.info.name} ${model.info.version} on ${deviceLine(model.info)}`)

  const names = outDir ? new OutputNames(outDir) : null
  const write = async (file: string, analysis: Analysis): Promise<string | null> => {
    if (!outDir || !names) return null
    const { path: out, note } = await names.pathFor(file)
    try {
      await writeFileAtomic(out, JSON.stringify(analysis, null, 2) + '\n')
    } catch (cause) {
      throw new Error(`cannot write ${out}: ${fsReason(cause)}`, { cause })
    }
    return note ? `${out} (${note})` : out
  }
  const say = (file: string, text: string) => console.log(`${basename(file)}: ${text}`)
  const onEvent = (e: WatchEvent) => {
    switch (e.type) {
      case 'waiting':
        return say(e.file, `waiting for the DAW to finish writing (${e.reason})`)
      case 'analysing':
        return say(e.file, e.run === 1 ? 'analysing' : `rewritten, analysing again (run ${e.run})`)
      case 'failed':
        return say(e.file, `cannot analyse: ${e.error.message}${e.willRetry ? '; will retry' : '; waiting for the next render'}`)
      case 'removed':
        return say(e.file, 'removed (its last analysis is kept)')
      case 'analysed': {
        const a = e.analysis
        const conflicts = a.conflicts.length === 0 ? 'no conflicts' : `${a.conflicts.length} conflict${a.conflicts.length === 1 ? '' : 's'} (${a.conflicts.map((c) => c.section).join(', ')})`
        say(e.file, `${clock(a.duration)} analysed in ${e.seconds.toFixed(1)} s: ${reading(a.summary)}; ${a.sections.length} section${a.sections.length === 1 ? '' : 's'}; ${conflicts}`)
      }
    }
  }

  const watcher = new BounceWatcher(target, {
    settleMs,
    onEvent: (e) => {
      onEvent(e)
      if (e.type === 'analysed') {
        write(e.file, e.analysis).then(
          (out) => out && say(e.file, `wrote ${out}`),
          (err) => say(e.file, `cannot write its analysis: ${(err as Error).message}`),
        )
      }
    },
    analyze: (file) =>
      analyzeFile(file, {
        model,
        preset,
        tempo,
        lyricsPath: args.values.lyrics ?? sidecar(file, LYRIC_SIDECARS),
        sectionsPath: args.values.sections ?? sidecar(file, SECTION_SIDECARS),
        encoding,
        onWarning: (w) => say(file, w),
      }),
  })
  try {
    await watcher.start()
  } catch (err) {
    await model.close()
    throw err
  }
  console.error(`emolane watch: watching ${watcher.target}${outDir ? `, writing analyses to ${outDir}` : ''}; Ctrl+C stops`)
  await new Promise<void>((resolve) => {
    const stop = () => resolve()
    process.once('SIGINT', stop)
    process.once('SIGTERM', stop)
  })
  await watcher.close()
  await model.close()
  return 0
}

/** The `emolane watch` command. */
export const watchCommand: Command = {
  name: 'watch',
  usage,
  run,
}
