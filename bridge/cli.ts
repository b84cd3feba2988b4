#!/usr/bin/env -S node --max-semi-space-size=1
/** `emolane <command> [...]`: the command-line entry point. Each command lives in bridge/cli/. */
import { UsageError } from './cli/args.js'
import { type CommandEntry, commands } from './cli/commands.js'
import { packageVersion } from './cli/version.js'

function printHelp(all: CommandEntry[]): void {
  const width = Math.max(...all.map((c) => c.name.length))
  console.log('emolane: hears a song while it is being written and says what it feels like.\n')
  console.log('usage: emolane <command> [options]\n')
  for (const c of all) console.log(`  ${c.name.padEnd(width)}  ${c.summary}`)
  console.log('\nemolane <command> --help shows a command\'s options; emolane --version prints the version.')
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    printHelp(commands)
    return name ? 0 : 2
  }
  if (name === '--version' || name === '-v' || name === 'version') {
    console.log(`emolane ${packageVersion()}`)
    return 0
  }
  const entry = commands.find((c) => c.name === name)
  if (!entry) {
    console.error(`emolane: unknown command ${JSON.stringify(name)}; try emolane --help`)
    return 2
  }
  const command = await entry.load()
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(command.usage)
    return 0
  }
  try {
    return await command.run(rest)
  } catch (err) {
    if (err instanceof UsageError) {
      // one line that says what is wrong, and where the options are: not the whole usage
      console.error(`emolane ${name}: ${err.message}\nsee emolane ${name} --help`)
      return 2
    }
    console.error(`emolane ${name}: ${err instanceof Error ? err.message : String(err)}`)
    if (process.env.EMOLANE_DEBUG && err instanceof Error) console.error(err.stack)
    return 1
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code
  },
  (err) => {
    console.error(err)
    process.exitCode = 1
  },
)
