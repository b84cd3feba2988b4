/** `emolane analyze <audio>`: offline analysis of an audio file, written as JSON (or CSV) with a summary. */
import { constants } from 'node:fs'
import { access, stat } from 'node:fs/promises'
import { dirname, extname, resolve } from 'node:path'
import { analyzeFile } from '../analysis/analyze-file.js'
import { formatSummary } from '../analysis/format-summary.js'
import { framesToCsv } from '../analysis/frames-csv.js'
import { loadPreset } from '../analysis/presets.js'
import type { Analysis } from '../analysis/types.js'
import { deviceLine } from '../engine/emotion-model.js'
import { DEVICES, parseDevice } from '../engine/execution-provider.js'
import { fsReason } from '../io/fs-error.js'
import { writeFileAtomic } from '../io/write-atomic.js'
import { resolveEncoding } from '../lyrics/decode-text.js'
import { numberOption, parseArgs, UsageError } from './args.js'
import type { Command } from './command.js'
import { ProgressBar } from './progress-bar.js'

const usage = `usage: emolane analyze <audio> [options]

Analyses a song file (WAV, MP3, FLAC, Ogg Vorbis, AAC): emotion curves, sections, lyric-versus-music
conflicts and a whole-song summary. On a terminal it prints the summary; the whole analysis goes to
--out FILE, or to standard output as JSON (or CSV) with --format or when the output is piped.

  --lyrics FILE        timed or plain lyrics: LRC, SRT, WebVTT, .kar/MIDI, UltraStar, text
  --sections FILE      sections: CSV/TSV (start,end,name), JSON, REAPER region export, Audacity
                       labels, MIDI markers; found from the audio when absent
  --encoding LABEL     text encoding of the lyric and section files (utf-8, utf-16le,
                       windows-1252, latin1, ...); detected when absent
  --format json|csv    json: the whole analysis (default); csv: one row per reading
  --out FILE           where to write; default: standard output when piped or given --format
                       (the summary then goes to stderr), else only the summary
  --device NAME        ${DEVICES.join('|')} (default auto: GPU where one loads, else CPU)
  --preset NAME|FILE   analysis preset from presets/analysis (default 'default')
  --tempo BPM          the song's tempo where known (else measured from the audio)
  --model DIR          model folder with manifest.json (default: the bundled model)
  --verify-model       hash every model file against the manifest (default: only files changed
                       since their last good check; sizes are always checked)
  --audio-path P       window (each window encoded on its own, as live; the presets' default)
                       or fast (the song encoded once and sliced: ~1.5x faster, edges differ)
  --quiet              no progress bar, and no summary beside the JSON or CSV`

const spec = {
  values: { lyrics: undefined, sections: undefined, encoding: undefined, format: undefined, out: undefined, device: 'auto', preset: 'default', tempo: undefined, model: undefined, 'audio-path': undefined },
  flags: ['quiet', 'verify-model'],
  positionals: [1, 1] as [number, number],
}

const phaseLabels: Record<string, string> = { load: 'loading model', decode: 'decoding audio', sections: 'finding sections', features: 'hearing the audio', model: 'reading windows', summary: 'sections, conflicts' }

/** What analyze prints where: the machine format to a file or standard output, and the human summary. */
export type OutputPlan = { data: 'file' | 'stdout' | 'none'; format: 'json' | 'csv'; summary: 'stdout' | 'stderr' | 'none' }

/**
 * Human by default on a terminal, machine formats on request (as ffprobe): the JSON or CSV goes to
 * --out, or to standard output when --format asks for it or the output is piped; the summary goes
 * wherever the data does not, and --quiet drops it unless it is all there is to print.
 */
export function outputPlan(o: { out?: string; format?: string; quiet: boolean; stdoutIsTTY: boolean }): OutputPlan {
  const format = o.format ?? (o.out && extname(o.out).toLowerCase() === '.csv' ? 'csv' : 'json')
  if (format !== 'json' && format !== 'csv') throw new UsageError(`--format must be json or csv, got ${JSON.stringify(format)}`)
  if (o.out) return { data: 'file', format, summary: o.quiet ? 'none' : 'stdout' }
  if (o.format !== undefined || !o.stdoutIsTTY) return { data: 'stdout', format, summary: o.quiet ? 'none' : 'stderr' }
  return { data: 'none', format, summary: 'stdout' }
}

/** Checks before the analysis that --out can be written: its folder exists and is a writable folder. */
async function checkOutFolder(out: string): Promise<void> {
  const folder = dirname(resolve(out))
  let isFolder
  try {
    isFolder = (await stat(folder)).isDirectory()
    if (isFolder) await access(folder, constants.W_OK)
  } catch (cause) {
    throw new Error(`cannot write --out ${out}: folder ${folder}: ${fsReason(cause)}`, { cause })
  }
  if (!isFolder) throw new Error(`cannot write --out ${out}: ${folder} is not a folder`)
  if ((await stat(out).catch(() => null))?.isDirectory()) throw new Error(`cannot write --out ${out}: it is a folder; name a file in it`)
}

async function run(argv: string[]): Promise<number> {
  const args = parseArgs(argv, spec)
  const [audio] = args.positionals as [string]
  const out = args.values.out
  const quiet = args.flags.has('quiet')
  const plan = outputPlan({ out, format: args.values.format, quiet, stdoutIsTTY: process.stdout.isTTY === true })
  const format = plan.format
  let device
  try {
    device = parseDevice(args.values.device!)
  } catch (err) {
    throw new UsageError((err as Error).message)
  }
  const audioPath = args.values['audio-path']
  if (audioPath !== undefined && audioPath !== 'fast' && audioPath !== 'window') throw new UsageError(`--audio-path must be fast or window, got ${JSON.stringify(audioPath)}`)
  let encoding
  try {
    encoding = args.values.encoding === undefined ? undefined : resolveEncoding(args.values.encoding)
  } catch (err) {
    throw new UsageError(`--encoding: ${(err as Error).message}`)
  }
  const tempo = numberOption(args, 'tempo', 20, 400)
  let preset
  try {
    preset = await loadPreset(args.values.preset)
  } catch (err) {
    throw new UsageError((err as Error).message)
  }
  // a folder that is not there fails now, not after the whole analysis
  if (out) await checkOutFolder(out)

  const bar = new ProgressBar()
  const warnings: string[] = []
  let deviceNote: string | null = null
  let analysis: Analysis
  try {
    analysis = await analyzeFile(audio, {
      lyricsPath: args.values.lyrics,
      sectionsPath: args.values.sections,
      encoding,
      tempo,
      preset,
      audioPath,
      modelOptions: { device, modelDir: args.values.model, verify: args.flags.has('verify-model') ? 'always' : 'changed', onWarning: (w) => warnings.push(w) },
      onWarning: (w) => warnings.push(w),
      // a provider that fell back is said by its warning; otherwise one line says which runs and why
      onModel: (info) => (deviceNote = info.fallback ? null : deviceLine(info)),
      onProgress: quiet ? undefined : (p) => bar.update(phaseLabels[p.phase] ?? p.phase, p.done, p.total),
    })
  } finally {
    bar.done()
  }
  if (!quiet) for (const w of [...(deviceNote ? [deviceNote] : []), ...warnings]) console.error(`emolane: ${w}`)
  if (plan.data !== 'none') {
    const text = format === 'csv' ? framesToCsv(analysis, preset.smoothingSeconds) : JSON.stringify(analysis, null, 2) + '\n'
    if (out) {
      try {
        await writeFileAtomic(out, text)
      } catch (cause) {
        throw new Error(`cannot write ${out}: ${fsReason(cause)}`, { cause })
      }
    } else {
      process.stdout.write(text)
    }
  }
  if (plan.summary !== 'none') {
    const stream = plan.summary === 'stdout' ? process.stdout : process.stderr
    stream.write(formatSummary(analysis) + '\n')
    if (out) stream.write(`\nwrote ${out} (${format})\n`)
    if (plan.data === 'none') stream.write(`\nthe whole analysis (${analysis.frames.length} readings): --out FILE, or --format json|csv to print it\n`)
  }
  return 0
}

/** The `emolane analyze` command. */
export const analyzeCommand: Command = {
  name: 'analyze',
  usage,
  run,
}
