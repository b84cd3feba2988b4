/** `emolane analyze <audio>`: offline analysis of an audio file, written as JSON (or CSV) with a summary. */
import { rename, writeFile } from 'node:fs/promises'
import { dirname, extname, join, basename } from 'node:path'
import { analyzeFile } from '../analysis/analyze-file.js'
import { formatSummary } from '../analysis/format-summary.js'
import { framesToCsv } from '../analysis/frames-csv.js'
import { loadPreset } from '../analysis/presets.js'
import type { Analysis } from '../analysis/types.js'
import { deviceLine } from '../engine/emotion-model.js'
import { DEVICES, parseDevice } from '../engine/execution-provider.js'
import { resolveEncoding } from '../lyrics/decode-text.js'
import { numberOption, parseArgs, UsageError } from './args.js'
import type { Command } from './command.js'
import { ProgressBar } from './progress-bar.js'

const usage = `usage: emolane analyze <audio> [options]

Analyses a song file (WAV, MP3, FLAC, Ogg Vorbis, AAC): emotion curves, sections, lyric-versus-music
conflicts and a whole-song summary. Prints a summary; writes the analysis as JSON (or CSV frames).

  --lyrics FILE        timed or plain lyrics: LRC, SRT, WebVTT, .kar/MIDI, UltraStar, text
  --sections FILE      sections: CSV/TSV (start,end,name), JSON, REAPER region export, Audacity
                       labels, MIDI markers; found from the audio when absent
  --encoding LABEL     text encoding of the lyric and section files (utf-8, utf-16le,
                       windows-1252, latin1, ...); detected when absent
  --format json|csv    json: the whole analysis (default); csv: one row per reading
  --out FILE           where to write; default: standard output (the summary then goes to stderr)
  --device NAME        ${DEVICES.join('|')} (default auto: GPU where one loads, else CPU)
  --preset NAME|FILE   analysis preset from presets/analysis (default 'default')
  --tempo BPM          the song's tempo where known (else measured from the audio)
  --model DIR          model folder with manifest.json (default: the bundled model)
  --verify-model       hash every model file against the manifest (default: only files changed
                       since their last good check; sizes are always checked)
  --audio-path P       window (each window encoded on its own, as live; the presets' default)
                       or fast (the song encoded once and sliced: ~1.5x faster, edges differ)
  --quiet              no summary, no progress bar`

const spec = {
  values: { lyrics: undefined, sections: undefined, encoding: undefined, format: undefined, out: undefined, device: 'auto', preset: 'default', tempo: undefined, model: undefined, 'audio-path': undefined },
  flags: ['quiet', 'verify-model'],
  positionals: [1, 1] as [number, number],
}

const phaseLabels: Record<string, string> = { load: 'loading model', decode: 'decoding audio', sections: 'finding sections', features: 'hearing the audio', model: 'reading windows', summary: 'sections, conflicts' }

async function run(argv: string[]): Promise<number> {
  const args = parseArgs(argv, spec)
  const [audio] = args.positionals as [string]
  const out = args.values.out
  const format = args.values.format ?? (out && extname(out).toLowerCase() === '.csv' ? 'csv' : 'json')
  if (format !== 'json' && format !== 'csv') throw new UsageError(`--format must be json or csv, got ${JSON.stringify(format)}`)
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
  const quiet = args.flags.has('quiet')
  let preset
  try {
    preset = await loadPreset(args.values.preset)
  } catch (err) {
    throw new UsageError((err as Error).message)
  }

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
      // a provider that fell back is said by its warning; otherwise one line says which runs and why
      onModel: (info) => (deviceNote = info.fallback ? null : deviceLine(info)),
      onProgress: quiet ? undefined : (p) => bar.update(phaseLabels[p.phase] ?? p.phase, p.done, p.total),
    })
  } finally {
    bar.done()
  }
  const text = format === 'csv' ? framesToCsv(analysis, preset.smoothingSeconds) : JSON.stringify(analysis, null, 2) + '\n'
  const summaryStream = out ? process.stdout : process.stderr
  if (!quiet) for (const w of [...(deviceNote ? [deviceNote] : []), ...warnings]) console.error(`emolane: ${w}`)
  if (out) {
    // write beside the target, then rename: a crash never leaves half a file under the real name
    const temp = join(dirname(out), `.${basename(out)}.${process.pid}.tmp`)
    try {
      await writeFile(temp, text)
      await rename(temp, out)
    } catch (cause) {
      throw new Error(`cannot write ${out}: ${(cause as Error).message}`, { cause })
    }
  } else {
    process.stdout.write(text)
  }
  if (!quiet) {
    summaryStream.write(formatSummary(analysis) + '\n')
    if (out) summaryStream.write(`\nwrote ${out} (${format})\n`)
  }
  return 0
}

/** The `emolane analyze` command. */
export const analyzeCommand: Command = {
  name: 'analyze',
  usage,
  run,
}
