/** A small, strict argument parser: `--name value`, `--name=value`, `--flag`, and positionals. */

export type ArgSpec = {
  /** Options that take a value, with their defaults (undefined: no default). */
  values?: Record<string, string | undefined>
  /** Boolean flags. */
  flags?: string[]
  /** Number of positionals: [min, max]. */
  positionals?: [min: number, max: number]
}

export type ParsedArgs = {
  values: Record<string, string | undefined>
  flags: Set<string>
  positionals: string[]
}

/** Raised for a command line that does not fit the command's spec; the CLI prints it with usage. */
export class UsageError extends Error {
  override name = 'UsageError'
}

/** Parses argv against a spec; unknown options and missing values are UsageErrors. */
export function parseArgs(argv: string[], spec: ArgSpec): ParsedArgs {
  const values: Record<string, string | undefined> = { ...(spec.values ?? {}) }
  const known = new Set(Object.keys(spec.values ?? {}))
  const flagNames = new Set(spec.flags ?? [])
  const flags = new Set<string>()
  const positionals: string[] = []
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1))
      break
    }
    if (!arg.startsWith('--') || arg === '-') {
      positionals.push(arg)
      continue
    }
    const eq = arg.indexOf('=')
    const name = arg.slice(2, eq < 0 ? undefined : eq)
    if (flagNames.has(name)) {
      if (eq >= 0) throw new UsageError(`--${name} is a flag and takes no value, got ${arg}`)
      flags.add(name)
    } else if (known.has(name)) {
      const value = eq >= 0 ? arg.slice(eq + 1) : argv[++i]
      if (value === undefined) throw new UsageError(`--${name} needs a value`)
      values[name] = value
    } else {
      throw new UsageError(`unknown option --${name}`)
    }
  }
  const [min, max] = spec.positionals ?? [0, 0]
  if (positionals.length < min || positionals.length > max) {
    const want = min === max ? `${min}` : `${min} to ${max}`
    throw new UsageError(`expected ${want} argument${max === 1 ? '' : 's'}, got ${positionals.length}`)
  }
  return { values, flags, positionals }
}

/** Reads a numeric option, checking it is finite and within [min, max]. */
export function numberOption(args: ParsedArgs, name: string, min = -Infinity, max = Infinity): number | undefined {
  const raw = args.values[name]
  if (raw === undefined) return undefined
  const n = Number(raw)
  if (!Number.isFinite(n) || n < min || n > max) {
    throw new UsageError(`--${name} must be a number in [${min}, ${max}], got ${JSON.stringify(raw)}`)
  }
  return n
}
