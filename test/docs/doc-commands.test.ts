import { describe, expect, test } from 'vitest'
import { emolaneCall, npmScript, outputPattern, readDocShell } from './doc-commands.js'

const page = [
  'Run it:',
  '',
  '```sh',
  'npx emolane analyze a.mp3 --lyrics "a # b.lrc" \\',
  '    --out a.json   # writes a.json',
  '# a comment line',
  'npm run bench',
  '```',
  '',
  'prints',
  '',
  '```text output',
  '   0:00-0:16  Verse   positive  80%  V +0.46',
  '```',
  '',
  'Then `emolane export a.json --to mid` or `emolane.analysis/1`, or `npm run train`.',
  '```json',
  '{ "not": "shell" }',
  '```',
].join('\n')

describe('reading commands out of a markdown page', () => {
  const doc = readDocShell(page, 'p.md')

  test('joins continuation lines, drops comments outside quotes and reads "writes FILE"', () => {
    expect(doc.commands.map((c) => c.command)).toEqual(['npx emolane analyze a.mp3 --lyrics "a # b.lrc" --out a.json', 'npm run bench'])
    expect(doc.commands[0]!.writes).toEqual(['a.json'])
    expect(doc.commands[0]!.where).toBe('p.md:4')
  })

  test('an output block belongs to the last command of the shell block before it', () => {
    expect(doc.outputs).toHaveLength(1)
    expect(doc.outputs[0]!.after.command).toBe('npm run bench')
  })

  test('inline emolane and npm commands are found in prose, not other names', () => {
    expect(doc.inline.map((i) => i.command)).toEqual(['emolane export a.json --to mid', 'npm run train'])
  })

  test('an output block with no shell block before it is refused', () => {
    expect(() => readDocShell('```text output\nx\n```', 'q.md')).toThrow(/q.md:2: an output block must follow a shell block/)
  })
})

describe('checking a command against the CLI', () => {
  test('names the emolane subcommand and its options', () => {
    expect(emolaneCall('npx emolane serve [--host 127.0.0.1] [--device auto|cpu]')).toEqual({ sub: 'serve', options: ['--host', '--device'] })
    expect(emolaneCall('/usr/bin/python3 -m model.evaluate')).toBeUndefined()
    expect(npmScript('npm run test:long')).toBe('test:long')
    expect(npmScript('npm install && npm start')).toBeUndefined()
  })

  test('a shown output matches other numbers but not other words', () => {
    const shown = outputPattern('   0:00-0:16  Verse   positive  80%  V +0.46 …')
    expect(shown.test('   0:00-0:17  Verse   positive  79%  V -0.12 A +0.3')).toBe(true)
    expect(shown.test('   0:00-0:16  Verse   negative  80%  V +0.46')).toBe(false)
    expect(shown.test('   0:00-0:16  Chorus  positive  80%  V +0.46')).toBe(false)
  })
})
