/** The registry of CLI commands. Each command is one module in this folder; add yours here. */
import { analyzeCommand } from './analyze-command.js'
import type { Command } from './command.js'
import { exportCommand } from './export-command.js'

export const commands: Command[] = [analyzeCommand, exportCommand]
