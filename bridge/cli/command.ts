/** The shape every `emolane <command>` module exports. */
export type Command = {
  name: string
  /** Full usage text, printed on a UsageError or `emolane <command> --help`. */
  usage: string
  /** Runs the command; resolves to the process exit code. */
  run(argv: string[]): Promise<number>
}
