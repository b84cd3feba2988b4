/** The registry of CLI commands. Each command is one module in this folder; add yours here. */
import type { Command } from './command.js'
import { exportCommand } from './export-command.js'

export const commands: Command[] = [exportCommand]
