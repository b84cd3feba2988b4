/**
 * The V8 flags the long-running commands run under: `dist/cli.js`'s shebang and `npm start` pass them
 * (test/bridge/cli/node-flags.test.ts keeps the three in step), and the bench starts its bridge with them.
 *
 * `--max-semi-space-size=1` (MB): the bridge's main thread takes audio and OSC in small messages all
 * session long, and V8 grows the young generation under that allocation rate (to 32 MB reserved by
 * default) and keeps it. Capped, the 60-minute soak ran 38 MB lower at its peak with the same latency
 * (bench/README.md). The worker threads get the same cap from their `resourceLimits`.
 */
export const BRIDGE_NODE_FLAGS = ['--max-semi-space-size=1'] as const
