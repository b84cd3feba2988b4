/** Runs a built emolane CLI bundle in a child process, for CLI tests. */
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'

const run = promisify(execFile)

/** What a CLI run printed and how it exited. */
export type CliResult = { code: number; stdout: string; stderr: string }

/** Runs `node <cli> ...args` in `cwd`; resolves with exit code and output (never rejects on a non-zero exit). */
export async function runCli(cli: string, cwd: string, ...args: string[]): Promise<CliResult> {
  try {
    const { stdout, stderr } = await run(process.execPath, [cli, ...args], { cwd, maxBuffer: 64 << 20 })
    return { code: 0, stdout, stderr }
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string }
    return { code: e.code, stdout: e.stdout, stderr: e.stderr }
  }
}
