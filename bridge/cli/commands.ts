/** The registry of CLI commands. Each command is one module in this folder; add yours here. */
import { analyzeCommand } from './analyze-command.js'
import type { Command } from './command.js'
import { demoCommand } from './demo-command.js'
import { exportCommand } from './export-command.js'
import { serveCommand } from './serve-command.js'
import { streamCommand } from './stream-command.js'
import { liveWriteCommand } from './live-write-command.js'
import { watchCommand } from './watch-command.js'

export const commands: Command[] = [analyzeCommand, exportCommand, serveCommand, streamCommand, demoCommand, liveWriteCommand, watchCommand]
