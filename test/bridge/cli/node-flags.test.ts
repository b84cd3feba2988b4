import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { BRIDGE_NODE_FLAGS } from '../../../bridge/cli/node-flags.js'

const root = join(import.meta.dirname, '../../..')
const firstLine = (file: string): string => readFileSync(join(root, file), 'utf8').split('\n', 1)[0]!

describe('the V8 flags of the long-running commands', () => {
  test('the CLI\'s shebang (source and build) and npm start pass exactly BRIDGE_NODE_FLAGS', () => {
    const shebang = `#!/usr/bin/env -S node ${BRIDGE_NODE_FLAGS.join(' ')}`
    expect(firstLine('bridge/cli.ts')).toBe(shebang)
    if (existsSync(join(root, 'dist/cli.js'))) expect(firstLine('dist/cli.js')).toBe(shebang)
    const scripts = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts
    expect(scripts.start).toContain(`node ${BRIDGE_NODE_FLAGS.join(' ')} dist/cli.js demo`)
  })

  test('node takes them, and they cap the young generation that grows under a stream of small allocations', () => {
    const probe = `
      const v8 = require('node:v8'); let keep = []
      for (let i = 0; i < 2e6; i++) { keep.push({ i, pair: [i, i] }); if (keep.length > 50000) keep = [] }
      const ns = v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')
      process.stdout.write(String(ns.space_size / 2 ** 20))`
    const young = (flags: readonly string[]): number => Number(execFileSync(process.execPath, [...flags, '-e', probe], { encoding: 'utf8' }))
    const capped = young(BRIDGE_NODE_FLAGS)
    const free = young([])
    expect(capped).toBeLessThanOrEqual(4)
    expect(free).toBeGreaterThan(2 * capped)
  })
})
