/**
 * Every shell command in README.md and docs/*.md either runs here, as a reader would type it, or is
 * listed below with the reason it is not run. Run commands go in page order in one temporary folder
 * per page, so a walk-through's `analyze` writes the file its `export` reads; a `# writes FILE`
 * comment must come true, and an `output` block must match what the command printed (numbers aside).
 * Every emolane option quoted anywhere in the pages must be one its command's --help lists.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import { emolaneCall, npmScript, outputPattern, readDocShell, type DocCommand, type DocShell } from './doc-commands.js'

const ROOT = join(import.meta.dirname, '..', '..')
const CLI = join(ROOT, 'dist', 'cli.js')

/** Documented commands this test does not run, and why. Keep in step with the pages (stale entries fail). */
const NOT_RUN: Record<string, string> = {
  'npm install && npm start': 'installs packages and serves until Ctrl-C',
  'npm start': 'serves the demo until Ctrl-C',
  'npm test': 'the whole test suite, this test included',
  'npx emolane serve': 'serves until Ctrl-C (test/integration/live-cli.test.ts runs it)',
  'npx emolane stream examples/demo-song.mp3 --lyrics examples/demo-song.lrc --sections examples/demo-sections.csv': 'needs a running bridge, plays 56 s in real time (test/e2e/panel.e2e.test.ts streams the same files)',
  'npx emolane stream song.wav --lyrics song.lrc --sections song.csv --speed 1': 'needs a running bridge and the reader\'s own song',
  'npx emolane serve --daw ableton@192.168.1.20 --daw-host 0.0.0.0 --daw-allow 192.168.1.20': 'binds every interface for a DAW on another machine',
  'oscsend localhost 9000 /emolane/tempo f 96': 'liblo\'s oscsend, to a running bridge (test/bridge/daw covers the messages)',
  'oscsend localhost 9000 /emolane/section ffs 0 20 "Verse 1"': 'liblo\'s oscsend, to a running bridge',
  'oscsend localhost 9000 /emolane/lyrics/line ffs 2 6 "Paper lanterns burning"': 'liblo\'s oscsend, to a running bridge',
  'oscsend localhost 9000 /emolane/transport/play': 'liblo\'s oscsend, to a running bridge',
  'npx emolane watch ~/Music/Bounces --out analyses/': 'watches the reader\'s bounce folder until Ctrl-C',
  'npx emolane watch mix.wav --lyrics mix.lrc --sections mix.csv': 'watches until Ctrl-C (test/bridge/cli/watch-command.test.ts)',
  'nice -n 5 /usr/bin/python3 -m model.prepare_data': 'builds the training caches: about 16 minutes over 40 hours of audio',
  '/usr/bin/python3 -m model.prepare_data --check': 'needs the training data sets',
  'npm run train': 'trains the model (over an hour on 2 cores)',
  '/usr/bin/python3 -m model.train_text': 'a training stage',
  '/usr/bin/python3 -m model.train_tune': 'a training stage',
  '/usr/bin/python3 -m model.features': 'a training stage (runs the fine-tuned tagger over every item)',
  '/usr/bin/python3 -m model.train_audio': 'a training stage',
  '/usr/bin/python3 -m model.train_fusion': 'a training stage',
  '/usr/bin/python3 -m model.evaluate': 'needs a trained checkpoint and the data sets',
  '/usr/bin/python3 -m model.export_onnx': 'rewrites the shipped model files',
  '/usr/bin/python3 -m model.export_onnx --untrained': 'rewrites the shipped model files',
}

/** Commands cheap enough to run in a test: the offline analysis and export of the example song, and --help. */
function runsHere(c: DocCommand): boolean {
  const call = emolaneCall(c.command)
  if (!call || !/^(npx )?emolane /.test(c.command)) return false
  return call.sub === 'analyze' || call.sub === 'export' || call.options.includes('--help')
}

const pages = ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)]
const docs = new Map<string, DocShell>(pages.map((p) => [p, readDocShell(readFileSync(join(ROOT, p), 'utf8'), p)]))
const allCommands = [...docs.values()].flatMap((d) => d.commands)

const helpCache = new Map<string, string>()
function helpOf(sub: string): string {
  let help = helpCache.get(sub)
  if (help === undefined) {
    const r = spawnSync(process.execPath, [CLI, sub, '--help'], { encoding: 'utf8' })
    help = r.status === 0 ? r.stdout : ''
    helpCache.set(sub, help)
  }
  return help
}

const dirs: string[] = []
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })))

/** Runs one documented command in `cwd` with `npx emolane` and `emolane` meaning this checkout's CLI. */
function runDocumented(command: string, cwd: string) {
  const shim = `emolane() { node ${JSON.stringify(CLI)} "$@"; }
npx() { if [ "$1" = emolane ]; then shift; emolane "$@"; else echo "npx $1: not an emolane command" >&2; return 127; fi; }
`
  return spawnSync('bash', ['-c', shim + command], { cwd, encoding: 'utf8', timeout: 120_000, env: { ...process.env, EMOLANE_DATA_DIR: join(cwd, '.emolane') } })
}

describe('the documented commands', () => {
  test('every shell command in the README and docs is run here or listed with the reason it is not', () => {
    const unlisted = allCommands.filter((c) => !runsHere(c) && !(c.command in NOT_RUN)).map((c) => `${c.where}: ${c.command}`)
    expect(unlisted, 'run them in this test or add them to NOT_RUN with a reason').toEqual([])
    const stale = Object.keys(NOT_RUN).filter((k) => !allCommands.some((c) => c.command === k))
    expect(stale, 'NOT_RUN lists commands no page documents any more').toEqual([])
  })

  test('every npm script the pages name exists in package.json', () => {
    const scripts = Object.keys((JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts)
    const named = [...allCommands.map((c) => ({ command: c.command, where: c.where })), ...[...docs.values()].flatMap((d) => d.inline)]
    const missing = named.filter((n) => {
      const script = npmScript(n.command)
      return script !== undefined && !scripts.includes(script)
    })
    expect(missing.map((m) => `${m.where}: ${m.command}`)).toEqual([])
  })

  test('every emolane command and option the pages quote is one the CLI has (its --help lists it)', () => {
    const quoted = [...allCommands.map((c) => ({ command: c.command, where: c.where })), ...[...docs.values()].flatMap((d) => d.inline)]
    const wrong: string[] = []
    for (const q of quoted) {
      const call = emolaneCall(q.command)
      if (!call) continue
      const help = helpOf(call.sub)
      if (!help) {
        wrong.push(`${q.where}: emolane ${call.sub} is not a command`)
        continue
      }
      for (const option of call.options) {
        if (option !== '--help' && !new RegExp(`(^|[\\s,])${option}(?![a-z0-9-])`).test(help)) wrong.push(`${q.where}: emolane ${call.sub} has no ${option}`)
      }
    }
    expect(wrong).toEqual([])
  })

  for (const [page, doc] of docs) {
    const run = doc.commands.filter(runsHere)
    if (run.length === 0) continue
    test(`${page}: its commands run as written, in order, and do what the page says`, () => {
      const cwd = mkdtempSync(join(tmpdir(), 'emolane-docs-'))
      dirs.push(cwd)
      symlinkSync(join(ROOT, 'examples'), join(cwd, 'examples'))
      for (const c of run) {
        const r = runDocumented(c.command, cwd)
        expect(r.status, `${c.where}: ${c.command}\n${r.stderr}`).toBe(0)
        for (const file of c.writes) expect(existsSync(join(cwd, file)), `${c.where}: the comment says it writes ${file}`).toBe(true)
        for (const shown of doc.outputs.filter((o) => o.after === c)) {
          const printed = (r.stdout + r.stderr).split('\n')
          for (const line of shown.text.split('\n').filter((l) => l.trim())) {
            expect(printed.some((p) => outputPattern(line).test(p)), `${shown.where}: shown "${line.trim()}", printed:\n${printed.join('\n')}`).toBe(true)
          }
        }
      }
    }, 300_000)
  }
})
