/**
 * Model files already checked: hashing every graph on each start costs ~20 ms per 17 MB (more with a
 * larger model), and a file that has not changed since its last good check need not be hashed again.
 * A file counts as unchanged while its size, inode, mtime and ctime all match that check (ctime cannot be
 * set back by `touch`, and any write or replacement moves it), so a changed, truncated or replaced file
 * is hashed again and refused; `verify: 'always'` (or EMOLANE_VERIFY_MODEL=always) hashes every time.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import type { Stats } from 'node:fs'
import { homedir } from 'node:os'
import { dirname, join, resolve } from 'node:path'

/** When the graph files are hashed: 'changed' (only files changed since their last good check) or 'always'. */
export type VerifyMode = 'changed' | 'always'

/** What a good check saw of a file. */
type Stamp = { sha256: string; size: number; ino: number; mtimeMs: number; ctimeMs: number }

type CacheDocument = { schema: 'emolane.verified/1'; files: Record<string, Stamp> }

/** Where the record of checked files lives: $EMOLANE_CACHE_DIR, else $XDG_CACHE_HOME/emolane, else ~/.cache/emolane. */
export function verifiedFilesPath(env: NodeJS.ProcessEnv = process.env): string {
  const dir = env.EMOLANE_CACHE_DIR || join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'emolane')
  return join(dir, 'verified-model-files.json')
}

/** The mode asked for by the caller, or 'always' when EMOLANE_VERIFY_MODEL=always. */
export function verifyMode(asked: VerifyMode | undefined, env: NodeJS.ProcessEnv = process.env): VerifyMode {
  if (env.EMOLANE_VERIFY_MODEL === 'always') return 'always'
  return asked ?? 'changed'
}

const stampOf = (s: Stats, sha256: string): Stamp => ({ sha256, size: s.size, ino: s.ino, mtimeMs: s.mtimeMs, ctimeMs: s.ctimeMs })

/** The record of checked files; an unreadable or foreign record is empty (every file is then hashed). */
export class VerifiedFiles {
  private constructor(
    private readonly path: string,
    private readonly files: Record<string, Stamp>,
  ) {}

  /** Reads the record at `path` (default verifiedFilesPath()). */
  static async open(path: string = verifiedFilesPath()): Promise<VerifiedFiles> {
    try {
      const doc = JSON.parse(await readFile(path, 'utf8')) as Partial<CacheDocument>
      if (doc.schema === 'emolane.verified/1' && typeof doc.files === 'object' && doc.files !== null) return new VerifiedFiles(path, doc.files)
    } catch {
      // none yet, or unreadable: start empty
    }
    return new VerifiedFiles(path, {})
  }

  /** True when `file` had `sha256` at its last good check and has not changed since. */
  unchanged(file: string, stats: Stats, sha256: string): boolean {
    const seen = this.files[resolve(file)]
    if (!seen) return false
    const now = stampOf(stats, sha256)
    return (Object.keys(now) as (keyof Stamp)[]).every((k) => seen[k] === now[k])
  }

  /** Notes a good check of `file`. */
  record(file: string, stats: Stats, sha256: string): void {
    this.files[resolve(file)] = stampOf(stats, sha256)
  }

  /** Forgets `file` (its check failed). */
  forget(file: string): void {
    delete this.files[resolve(file)]
  }

  /** Writes the record (beside, then renamed into place); a folder that cannot be written only costs the next start its hashing. */
  async save(): Promise<void> {
    try {
      await mkdir(dirname(this.path), { recursive: true })
      const temp = `${this.path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`
      await writeFile(temp, JSON.stringify({ schema: 'emolane.verified/1', files: this.files } satisfies CacheDocument))
      await rename(temp, this.path)
    } catch {
      // read-only home or cache folder: verification still happens, every time
    }
  }
}
