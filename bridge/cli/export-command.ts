/** `emolane export`: writes an analysis's emotion curves as automation lanes a DAW imports. */
import { readFile, stat } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import type { Analysis } from '../analysis/types.js'
import { EXPORT_FORMATS, exportAnalysis, listMappings, loadMapping, type ExportFormat } from '../export/index.js'
import { checkJsonDepth } from '../export/json-depth.js'
import { parseArgs, UsageError } from './args.js'
import type { Command } from './command.js'
import { fsReason } from '../io/fs-error.js'
import { writeFileAtomic } from '../io/write-atomic.js'

const usage = `usage: emolane export <analysis.json> --to mid|dawproject|rpp|csv|json [options]
       emolane export --list-mappings

Writes the emotion curves of an analysis (from emolane analyze or the bridge) as automation lanes.

  --to FORMAT          mid (Standard MIDI File, CC lanes), dawproject (Bitwig, Studio One, Cubase),
                       rpp (REAPER track template), csv, json
  --mapping NAME|FILE  a preset (see --list-mappings) or a mapping .json file; default all-curves
  --out FILE           where to write; default: <song>-<mapping>.<ext> in the current folder
  --time-unit UNIT     dawproject point times in seconds (default) or beats
  --rpp-kind KIND      template (default: .RTrackTemplate, inserts into an open project) or project (.RPP)
  --14bit              write 14-bit CC pairs (MSB cc, LSB cc+32; lanes must be on CC 0..31)
  --list-mappings      list the preset mappings and exit`

async function readAnalysis(path: string): Promise<Analysis> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (cause) {
    throw new Error(`cannot read ${path}: ${fsReason(cause)}`, { cause })
  }
  checkJsonDepth(text, path, (m) => new Error(m))
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (cause) {
    throw new Error(`${path} is not JSON: ${(cause as Error).message}`, { cause })
  }
  const schema = (json as { schema?: unknown } | null)?.schema
  if (schema !== 'emolane.analysis/1') {
    throw new Error(`${path} is not an emolane analysis: expected "schema": "emolane.analysis/1", got ${JSON.stringify(schema)} (write one with emolane analyze)`)
  }
  return json as Analysis
}

async function printMappings(): Promise<void> {
  for (const m of await listMappings()) {
    console.log(`${m.name}\n  ${m.description}`)
    for (const l of m.lanes) console.log(`    ${l.name}: ${l.curve} -> CC${l.cc} ch${l.channel}`)
  }
}

/** The export command. */
export const exportCommand: Command = {
  name: 'export',
  usage,
  async run(argv) {
    const args = parseArgs(argv, {
      values: { to: undefined, mapping: undefined, out: undefined, 'time-unit': undefined, 'rpp-kind': undefined },
      flags: ['14bit', 'list-mappings'],
      positionals: [0, 1],
    })
    if (args.flags.has('list-mappings')) {
      await printMappings()
      return 0
    }
    const [input] = args.positionals
    if (!input) throw new UsageError('expected an analysis .json file')
    const to = args.values.to
    if (!to) throw new UsageError('--to is required')
    if (!EXPORT_FORMATS.includes(to as ExportFormat)) throw new UsageError(`--to must be one of ${EXPORT_FORMATS.join(', ')}, got ${JSON.stringify(to)}`)
    const timeUnit = args.values['time-unit']
    if (timeUnit !== undefined && timeUnit !== 'seconds' && timeUnit !== 'beats') throw new UsageError(`--time-unit must be seconds or beats, got ${JSON.stringify(timeUnit)}`)
    const rppKind = args.values['rpp-kind']
    if (rppKind !== undefined && rppKind !== 'template' && rppKind !== 'project') throw new UsageError(`--rpp-kind must be template or project, got ${JSON.stringify(rppKind)}`)

    const mapping = await loadMapping(args.values.mapping) // a preset name or a mapping file
    const analysis = await readAnalysis(input)
    const result = await exportAnalysis(analysis, {
      to: to as ExportFormat,
      mapping,
      timeUnit,
      rppKind,
      fourteenBit: args.flags.has('14bit'),
    })
    let out = resolve(args.values.out ?? result.filename)
    // --out DIR writes the export's own file name into that folder
    if ((await stat(out).catch(() => null))?.isDirectory()) out = join(out, result.filename)
    try {
      await writeFileAtomic(out, result.bytes)
    } catch (err) {
      throw new Error(`cannot write ${out}: ${(err as Error).message}`, { cause: err })
    }
    const lanes = result.lanes.map((l) => `${l.name} ${l.points} pts`).join(', ')
    console.log(`wrote ${out} (${result.bytes.length} bytes; ${result.lanes[0]?.frames ?? 0} frames -> ${lanes})`)
    return 0
  },
}
