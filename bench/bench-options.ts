/** `npm run bench -- [options]`: what to run, parsed strictly (the CLI's parser) into one typed object. */
import { numberOption, parseArgs, UsageError } from '../bridge/cli/args.js'
import { parseDevice, type Device } from '../bridge/engine/execution-provider.js'

/** Every part of the bench, in the order it runs. */
export const PARTS = ['startup', 'offline', 'compute', 'live', 'stall', 'soak', 'soak60', 'profile'] as const
export type Part = (typeof PARTS)[number]

/** What the bench does. */
export type BenchOptions = {
  /** Provider for the model (offline and the bridge), default auto */
  device: Device
  /** Seconds of song streamed at 1x: the whole song, or 60 with --quick */
  liveSeconds1x: number | null
  /** Parts to run */
  parts: Set<Part>
  /** Audio block length sent to the bridge, ms, default 50 (as `emolane stream`) */
  blockMs: number
  /** Where results go, default bench/results.json */
  out: string
  /** 30-minute soak length in minutes of song (default 30) */
  soakMinutes: number
  /** 60-minute soak length in minutes of song (default 60) */
  soak60Minutes: number
  /** Repeats of each 8x live run and its baselines (default 2; 1 with --quick) */
  repeats8x: number
  /** Song minutes of the main-thread stall runs at 8x (default 10) */
  stallMinutes: number
  /** Runs of each whole-process start-up command and of its baseline (default 5) */
  startupRuns: number
  /** Another build's CLI (dist/cli.js) for the stall runs' and start-up's 'before' baseline, or null */
  baselineCli: string | null
}

/** The usage text. */
export const usage = `usage: npm run bench -- [options]     (node dist/bench.js [options] after a build)

Measures the bridge and the model against same-run baselines; writes bench/results.json and prints
a summary. The full run (default) takes about 12 minutes on 2 cores.

  --quick            1x on the first 60 s only, no soak (about 4 minutes)
  --no-soak          skip the 30-minute soak at 8x (about 4 minutes of wall time)
  --soak             run the 30-minute soak even with --quick
  --soak60           also run the 60-minute soak at 8x with seeks and lyric edits (7.5 minutes more)
  --stall            also run the main-thread stall test (on by default without --quick): a 10-minute
                     song at 8x without DAW sections, with the model and analysis threads and without
  --baseline-cli F   another build's dist/cli.js: the 'before' of the stall test and of the start-up
                     part (whole processes; without it the start-up baseline is this build hashing
                     every model file)
  --startup-runs N   runs of each start-up command and of its baseline, interleaved (default 5)
  --stall-minutes N  song minutes of the stall test (default 10)
  --profile          also run the bridge at 8x under node --cpu-prof and list where its CPU time goes
  --only LIST        run only these parts: ${PARTS.join(',')}
  --device NAME      auto|cpu|cuda|webgpu (default auto: the GPU where one loads)
  --block-ms N       audio block length sent to the bridge (default 50)
  --repeats N        runs of each 8x live variant, interleaved (default 2; 1 with --quick)
  --soak-minutes N, --soak60-minutes N   song minutes of the soaks (default 30 and 60)
  --out FILE         results file (default bench/results.json)`

/** Parses the bench's command line. */
export function parseBenchOptions(argv: string[]): BenchOptions {
  const args = parseArgs(argv, {
    values: { repeats: undefined, only: undefined, device: 'auto', 'block-ms': '50', out: 'bench/results.json', 'soak-minutes': '30', 'soak60-minutes': '60', 'stall-minutes': '10', 'baseline-cli': undefined, 'startup-runs': '5' },
    flags: ['quick', 'no-soak', 'soak', 'soak60', 'stall', 'profile', 'help'],
  })
  let device: Device
  try {
    device = parseDevice(args.values.device!)
  } catch (err) {
    throw new UsageError((err as Error).message)
  }
  const quick = args.flags.has('quick')
  let parts: Set<Part>
  if (args.values.only) {
    const names = args.values.only.split(',').map((s) => s.trim())
    const bad = names.filter((n) => !(PARTS as readonly string[]).includes(n))
    if (bad.length) throw new UsageError(`--only takes ${PARTS.join(', ')}; got ${bad.join(', ')}`)
    parts = new Set(names as Part[])
  } else {
    parts = new Set<Part>(['startup', 'offline', 'compute', 'live'])
    if ((!quick && !args.flags.has('no-soak')) || args.flags.has('soak')) parts.add('soak')
    if (!quick || args.flags.has('stall')) parts.add('stall')
    if (args.flags.has('soak60')) parts.add('soak60')
    if (args.flags.has('profile')) parts.add('profile')
  }
  return {
    device,
    liveSeconds1x: quick ? 60 : null,
    parts,
    blockMs: numberOption(args, 'block-ms', 5, 1000)!,
    out: args.values.out!,
    soakMinutes: numberOption(args, 'soak-minutes', 1, 600)!,
    soak60Minutes: numberOption(args, 'soak60-minutes', 1, 600)!,
    repeats8x: numberOption(args, 'repeats', 1, 10) ?? (quick ? 1 : 2),
    stallMinutes: numberOption(args, 'stall-minutes', 1, 60)!,
    startupRuns: numberOption(args, 'startup-runs', 1, 50)!,
    baselineCli: args.values['baseline-cli'] ?? null,
  }
}
