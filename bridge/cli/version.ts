/** `emolane --version`: the version in the package's package.json, read without loading anything else. */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { packageRoot } from '../engine/model-dir.js'

/** The emolane package's version, e.g. '0.1.0'. */
export function packageVersion(root: string = packageRoot()): string {
  const version: unknown = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version
  if (typeof version !== 'string') throw new TypeError(`${join(root, 'package.json')} has no version string, got ${JSON.stringify(version)}`)
  return version
}
