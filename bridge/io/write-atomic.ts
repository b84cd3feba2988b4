/** Writing a user's output file so that an interruption never leaves half a file under its name. */
import { rename, rm, writeFile } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'

/**
 * Writes `data` to a temporary file beside `path`, then renames it over `path`; a failed write removes
 * the temporary file and rethrows the file system's error (callers add what they were writing).
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`)
  try {
    await writeFile(temp, data)
    await rename(temp, path)
  } catch (err) {
    await rm(temp, { force: true })
    throw err
  }
}
