/**
 * Reads the shell commands out of the README and docs/*.md, for the test that runs them
 * (test/docs/commands.test.ts): fenced `sh` blocks, the `text output` blocks shown after them, and the
 * `emolane …` / `npm …` commands quoted inline in prose.
 */

/** One command of a fenced shell block, continuation lines joined. */
export type DocCommand = {
  /** the command as a reader would type it, without its trailing `# comment` */
  command: string
  /** the trailing comment, '' when none */
  comment: string
  /** files the comment says the command writes (`# writes FILE`) */
  writes: string[]
  /** the markdown file and 1-based line it starts on, for messages */
  where: string
}

/** An `output` block shown after a command: what the reader should see. */
export type DocOutput = { after: DocCommand; text: string; where: string }

/** Everything a markdown page documents for the shell. */
export type DocShell = { commands: DocCommand[]; outputs: DocOutput[]; inline: { command: string; where: string }[] }

const SHELL_LANGS = new Set(['sh', 'bash', 'shell', 'console'])

/** Splits `cmd   # comment` at the first `#` that starts a word outside quotes. */
function splitComment(line: string): [string, string] {
  let quote = ''
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!
    if (quote) {
      if (c === quote) quote = ''
    } else if (c === '"' || c === "'") quote = c
    else if (c === '#' && (i === 0 || /\s/.test(line[i - 1]!))) return [line.slice(0, i).trimEnd(), line.slice(i + 1).trim()]
  }
  return [line.trimEnd(), '']
}

/** The shell commands, shown outputs and inline commands of one markdown page. */
export function readDocShell(markdown: string, file: string): DocShell {
  const lines = markdown.split('\n')
  const commands: DocCommand[] = []
  const outputs: DocOutput[] = []
  const prose: string[] = []
  let lastBlockEnd: DocCommand | undefined
  for (let i = 0; i < lines.length; i++) {
    const fence = /^\s*```(.*)$/.exec(lines[i]!)
    if (!fence) {
      prose.push(lines[i]!)
      continue
    }
    const info = fence[1]!.trim().split(/\s+/)
    const body: { text: string; line: number }[] = []
    for (i++; i < lines.length && !/^\s*```\s*$/.test(lines[i]!); i++) body.push({ text: lines[i]!, line: i + 1 })
    for (let k = 0; k < body.length + 2; k++) prose.push('') // the fence's lines are not prose; keep line numbers
    if (info.includes('output')) {
      if (!lastBlockEnd) throw new Error(`${file}:${body[0]?.line ?? i}: an output block must follow a shell block`)
      outputs.push({ after: lastBlockEnd, text: body.map((b) => b.text).join('\n'), where: `${file}:${body[0]?.line ?? i}` })
      continue
    }
    if (!SHELL_LANGS.has(info[0]!)) {
      lastBlockEnd = undefined
      continue
    }
    let pending = ''
    let start = 0
    for (const { text, line } of body) {
      if (!pending) start = line
      const [code, comment] = splitComment(text)
      if (code.endsWith('\\')) {
        pending += code.slice(0, -1).trim() + ' '
        continue
      }
      const command = (pending + code.trim()).trim()
      pending = ''
      if (!command) continue
      const writes = [...comment.matchAll(/\bwrites (\S+)/g)].map((m) => m[1]!)
      commands.push({ command, comment, writes, where: `${file}:${start}` })
    }
    lastBlockEnd = commands.at(-1)
  }
  const inline: DocShell['inline'] = []
  const text = prose.join('\n')
  for (const m of text.matchAll(/`([^`]+)`/g)) {
    const span = m[1]!.replace(/\s+/g, ' ').trim()
    if (/^(npx )?emolane [a-z]/.test(span) || /^npm (run |start|test|install|ci)/.test(span)) {
      const line = text.slice(0, m.index).split('\n').length
      inline.push({ command: span, where: `${file}:${line}` })
    }
  }
  return { commands, outputs, inline }
}

/** The emolane subcommand and its `--options` in a command line, or undefined when it runs no emolane command. */
export function emolaneCall(command: string): { sub: string; options: string[] } | undefined {
  const m = /(?:^|&&\s*|\|\s*)(?:npx )?emolane ([a-z][a-z-]*)(.*)$/.exec(command)
  if (!m) return undefined
  const options = [...m[2]!.matchAll(/(?:^|[\s[|])(--[a-z0-9][a-z0-9-]*)/g)].map((o) => o[1]!)
  return { sub: m[1]!, options }
}

/** The npm script a command runs (`npm start`, `npm test`, `npm run NAME`), or undefined. */
export function npmScript(command: string): string | undefined {
  const m = /^npm (?:run ([a-z:]+)|(start|test))\b/.exec(command)
  return m ? (m[1] ?? m[2]) : undefined
}

/**
 * Turns a shown output into a pattern for the real one: numbers may differ (the model is retrained),
 * `…` stands for any text, runs of spaces for any spacing.
 */
export function outputPattern(line: string): RegExp {
  const parts = line.trim().split(/(…|[+-]?\d+(?:\.\d+)?|\s+)/)
  const source = parts
    .map((p) => {
      if (p === '…') return '.*'
      if (/^[+-]?\d+(?:\.\d+)?$/.test(p)) return '[+-]?\\d+(?:\\.\\d+)?'
      if (/^\s+$/.test(p)) return '\\s+'
      return p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    })
    .join('')
  return new RegExp(source)
}
