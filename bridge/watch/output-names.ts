/**
 * Where `emolane watch --out DIR` writes each bounce's analysis: `<name>.emolane.json`, unless that
 * name already holds another input's result (mix.mp3 and mix.wav in one folder), in which case the
 * second input gets `<name>.<ext>.emolane.json` (mix.wav.emolane.json). No input's result replaces
 * another's. A file already on disk tells whose it is by its `source` field.
 */
import { readFile } from 'node:fs/promises'
import { basename, extname, join } from 'node:path'

/** The analysis file name for an input, ignoring other inputs. */
export function plainOutputName(file: string): string {
  return `${basename(file, extname(file))}.emolane.json`
}

/** The name an input falls back to when its plain name belongs to another input. */
export function fullOutputName(file: string): string {
  return `${basename(file)}.emolane.json`
}

/** Hands out one output path per input file in a folder, first come first served, stable for the run. */
export class OutputNames {
  /** output path -> the input (base name) it belongs to */
  private readonly owners = new Map<string, string>()
  /** input path -> its output path */
  private readonly chosen = new Map<string, string>()

  constructor(private readonly outDir: string) {}

  /** The output path for `file`; says so in `note` when it is not the plain name, and why. */
  async pathFor(file: string): Promise<{ path: string; note: string | null }> {
    const known = this.chosen.get(file)
    if (known) return { path: known, note: null }
    const source = basename(file)
    const plain = join(this.outDir, plainOutputName(file))
    const owner = this.owners.get(plain) ?? (await sourceOnDisk(plain))
    // a second claim made while this one read the disk wins nothing: claims are checked again here
    const claimed = this.owners.get(plain)
    const taken = (claimed ?? owner) !== null && (claimed ?? owner) !== source
    const path = taken ? join(this.outDir, fullOutputName(file)) : plain
    this.owners.set(path, source)
    this.chosen.set(file, path)
    return { path, note: taken ? `${basename(plain)} holds the analysis of ${claimed ?? owner}` : null }
  }
}

/** The `source` an analysis file on disk names, or null when there is none (or it cannot be read). */
async function sourceOnDisk(path: string): Promise<string | null> {
  try {
    const doc = JSON.parse(await readFile(path, 'utf8')) as { source?: unknown }
    return typeof doc.source === 'string' ? doc.source : null
  } catch {
    return null
  }
}
