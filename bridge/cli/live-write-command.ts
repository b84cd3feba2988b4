/** `emolane live-write`: follows a running bridge and writes mapped lanes to a DAW parameter over OSC while it plays. */
import { FeedSource } from '../export/live/feed-source.js'
import { listDialects, type LiveTarget } from '../export/live/live-dialect.js'
import { LiveWriter } from '../export/live/live-writer.js'
import { numberOption, parseArgs, UsageError } from './args.js'
import type { Command } from './command.js'

const usage = `usage: emolane live-write --dialect reaper|ableton|bitwig|FILE [options]
       emolane live-write --list-dialects

Follows the bridge's live analysis (its /ws feed) and, while the DAW plays, sends each lane of the
mapping to a DAW parameter over OSC, rate-limited, so the DAW records it as automation (arm the
parameter and use Latch, Touch or Write mode). Runs until Ctrl+C.

  --dialect NAME|FILE  reaper, reaper-selected-track, ableton (AbletonOSC), bitwig (DrivenByMoss), or a .json
  --mapping NAME|FILE  mapping preset or file, default all-curves (see emolane export --list-mappings)
  --bridge URL         the bridge feed, default ws://127.0.0.1:8080/ws
  --token TOKEN        the bridge's token, if it has one
  --host HOST          where the DAW listens, default the dialect's (127.0.0.1)
  --port PORT          the DAW's OSC port, default the dialect's
  --rate HZ            most messages per second per lane, default the dialect's (20)
  --targets JSON       per-lane targets, e.g. '[{"track":2,"fx":1,"param":3}]'
  --verbose            print every message sent
  --list-dialects      list the dialect presets and exit`

/** The live-write command. */
export const liveWriteCommand: Command = {
  name: 'live-write',
  usage,
  async run(argv) {
    const args = parseArgs(argv, {
      values: { dialect: undefined, mapping: undefined, bridge: undefined, token: undefined, host: undefined, port: undefined, rate: undefined, targets: undefined },
      flags: ['verbose', 'list-dialects'],
    })
    if (args.flags.has('list-dialects')) {
      for (const d of await listDialects()) console.log(`${d.name} (${d.daw}, port ${d.port})\n  ${d.description}`)
      return 0
    }
    const dialect = args.values.dialect
    if (!dialect) throw new UsageError('--dialect is required')
    let targets: LiveTarget[] | undefined
    if (args.values.targets !== undefined) {
      try {
        targets = JSON.parse(args.values.targets) as LiveTarget[]
      } catch (cause) {
        throw new UsageError(`--targets must be a JSON array of objects, got ${JSON.stringify(args.values.targets)}: ${(cause as Error).message}`)
      }
      if (!Array.isArray(targets) || !targets.every((t) => typeof t === 'object' && t !== null && Object.values(t).every((v) => typeof v === 'number'))) {
        throw new UsageError(`--targets must be a JSON array of objects with number values, got ${args.values.targets}`)
      }
    }
    const writer = await LiveWriter.create({
      dialect,
      mapping: args.values.mapping,
      host: args.values.host,
      port: numberOption(args, 'port', 1, 65535),
      rateHz: numberOption(args, 'rate', 0.5, 200),
      targets,
    })
    writer.on('error', (err) => console.error(`emolane live-write: ${err.message}`))
    if (args.flags.has('verbose')) writer.on('sent', (address, a) => console.log(`${address} ${a.map((x) => x.value).join(' ')}`))
    const feed = new FeedSource({
      url: args.values.bridge,
      token: args.values.token,
      onProblem: (m) => console.error(`emolane live-write: ${m} (retrying)`),
      onConnect: () => console.log(`following the bridge; writing ${writer.mapping.lanes.map((l) => l.name).join(', ')} to ${writer.dialect.daw} while it plays (Ctrl+C stops)`),
    })
    writer.init(feed)
    await new Promise<void>((resolve) => {
      const stop = () => resolve()
      process.once('SIGINT', stop)
      process.once('SIGTERM', stop)
    })
    feed.close()
    await writer.destroy()
    return 0
  },
}
