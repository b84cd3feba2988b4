/** `emolane demo` (what `npm start` runs): serves the bridge and plays the bundled example song into it. */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { formatSummary } from '../analysis/format-summary.js'
import { packageRoot } from '../engine/model-dir.js'
import { Bridge } from '../server/bridge.js'
import { playInto } from '../stream/file-player.js'
import { openTarget } from '../stream/stream-target.js'
import { numberOption, parseArgs, UsageError } from './args.js'
import type { Command } from './command.js'
import { bridgeOptionsFrom, closeOnSignal, describeBridge } from './serve-command.js'
import { loadSong } from './stream-command.js'

const usage = `usage: emolane demo [options]

Starts the bridge (as emolane serve does) and plays the bundled example song into it over OSC in
real time, so the panel fills as you watch. Keeps serving after the song ends, until Ctrl-C.
The example has a Verse (happy music, happy words), a Chorus built to conflict (happy music,
sad words) and a Bridge (sad music, sad words).

  --speed X          playback speed (default 1)
  --delay S          seconds to wait before playing, to open the panel (default 3)
  --loop             play the song again and again
  --exit             exit after the song instead of serving on
  --project NAME     project for the demo's timeline (default 'demo')
  --http-port N, --osc-port N, --host ADDR, --device NAME, --preset NAME, --model DIR,
  --data-dir DIR, --token T, --no-persist    as for emolane serve`

const spec = {
  values: {
    speed: '1', delay: '3', project: 'demo', host: undefined, 'http-port': undefined, 'osc-port': undefined, device: 'auto', preset: undefined,
    model: undefined, 'data-dir': undefined, token: undefined,
  },
  flags: ['loop', 'exit', 'no-persist', 'quiet'],
  positionals: [0, 0] as [number, number],
}

const sleep = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    const t = setTimeout(resolve, ms)
    signal.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true })
  })

async function run(argv: string[]): Promise<number> {
  const args = parseArgs(argv, spec)
  const speed = numberOption(args, 'speed', 0.01, 1000)!
  const delay = numberOption(args, 'delay', 0, 600)!
  const examples = join(packageRoot(), 'examples')
  const audio = join(examples, 'demo-song.mp3')
  if (!existsSync(audio)) throw new Error(`the example song is missing (${audio}); run node examples/make-examples.mjs`)
  const song = await loadSong(audio, { rate: 48000, lyrics: join(examples, 'demo-song.lrc'), sections: join(examples, 'demo-sections.csv'), tempo: undefined })
  const options = bridgeOptionsFrom(args)
  // the demo streams over its own UDP port, so it needs one
  if (options.oscPort === null) throw new UsageError('the demo streams over OSC/UDP; drop --no-osc')
  let bridge: Bridge
  try {
    bridge = await Bridge.start(options)
  } catch (err) {
    if (err instanceof TypeError || err instanceof RangeError) throw new UsageError(err.message)
    throw err
  }
  console.error(describeBridge(bridge))
  const abort = new AbortController()
  const closed = closeOnSignal(bridge, () => abort.abort())
  const host = bridge.options.host === '0.0.0.0' ? '127.0.0.1' : bridge.options.host
  console.error(`\nopen ${bridge.httpUrl}/${bridge.options.token ? `?token=${encodeURIComponent(bridge.options.token)}` : ''} in a browser; the song starts in ${delay} s (Ctrl-C to stop)`)
  await sleep(delay * 1000, abort.signal)
  const target = await openTarget(`udp://${host.includes(':') ? `[${host}]` : host}:${bridge.oscPort}`, bridge.options.token)
  try {
    do {
      if (abort.signal.aborted) break
      console.error(`emolane demo: playing the example song (${(song.pcm.length / song.sampleRate).toFixed(0)} s) at ${speed}x`)
      await playInto(target, song, { speed, signal: abort.signal })
      if (abort.signal.aborted) break
      await bridge.settle()
      console.error('\n' + formatSummary(bridge.analysis()) + '\n')
    } while (args.flags.has('loop'))
  } finally {
    await target.close()
  }
  if (args.flags.has('exit') && !abort.signal.aborted) {
    await bridge.close()
    return 0
  }
  if (!abort.signal.aborted) console.error('emolane demo: the song is over; still serving the panel (Ctrl-C to stop)')
  await closed
  return 0
}

/** The `demo` command. */
export const demoCommand: Command = { name: 'demo', usage, run }
