/**
 * The registry of CLI commands: each command's name, its line for `emolane --help`, and its module,
 * imported only when that command runs (dist/ is split per command), so that `--help`, `--version` and a
 * mistyped name load none of them (nor ws, onnxruntime or node-web-audio-api). Add yours here.
 */
import type { Command } from './command.js'

/** One command as `emolane --help` lists it. */
export type CommandEntry = {
  name: string
  /** One line for `emolane --help`. */
  summary: string
  /** Imports the command's module. */
  load: () => Promise<Command>
}

export const commands: CommandEntry[] = [
  { name: 'analyze', summary: 'analyse an audio file: emotion curves, sections, lyric/music conflicts (JSON or CSV)', load: async () => (await import('./analyze-command.js')).analyzeCommand },
  { name: 'export', summary: 'write emotion curves as automation lanes (MIDI CC, DAWproject, REAPER, CSV, JSON)', load: async () => (await import('./export-command.js')).exportCommand },
  { name: 'serve', summary: 'run the live bridge: DAW in (OSC/WebSocket), panel and feed out', load: async () => (await import('./serve-command.js')).serveCommand },
  { name: 'stream', summary: 'play an audio file into a running bridge in real time, as a DAW would', load: async () => (await import('./stream-command.js')).streamCommand },
  { name: 'demo', summary: 'serve the bridge and play the bundled example song into it (npm start)', load: async () => (await import('./demo-command.js')).demoCommand },
  { name: 'live-write', summary: 'write mapped emotion lanes to a DAW parameter over OSC while the DAW plays', load: async () => (await import('./live-write-command.js')).liveWriteCommand },
  { name: 'watch', summary: 'watch a bounce (or a folder of them) and re-analyse each time the DAW renders over it', load: async () => (await import('./watch-command.js')).watchCommand },
]
