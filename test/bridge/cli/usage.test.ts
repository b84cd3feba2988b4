import { describe, expect, test } from 'vitest'
import { commands } from '../../../bridge/cli/commands.js'

/** Options a usage text lists in its table: rows that start with them, and 'or' lists such as '--from S, --until S'. */
function listed(usage: string): Set<string> {
  const rows = usage.split('\n').filter((l) => /^\s{2,}--/.test(l))
  return new Set(rows.flatMap((l) => l.trim().split(/\s{2,}/)[0]!.match(/--[a-z][a-z0-9-]*/g) ?? []))
}

describe('command usage texts', () => {
  test.each(commands.map((c) => [c.name, c] as const))('emolane %s --help lists every option its text mentions (serve mentioned --tempo without listing it)', (_, command) => {
    // '(see emolane export --list-mappings)' is another command's option
    const own = command.usage.replace(/emolane ([a-z-]+) (--[a-z][a-z0-9-]*)/g, (m, name: string) => (name === command.name ? m : ''))
    const mentioned = new Set(own.match(/--[a-z][a-z0-9-]*/g) ?? [])
    const rows = listed(command.usage)
    expect([...mentioned].filter((o) => !rows.has(o))).toEqual([])
  })

  test('analyze lists --quiet and says what it does beside the JSON', () => {
    const analyze = commands.find((c) => c.name === 'analyze')!
    expect(analyze.usage).toMatch(/^ {2}--quiet +no progress bar/m)
  })
})
