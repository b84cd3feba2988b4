/** Merges options over defaults, skipping options given as undefined (so `{ timeUnit: undefined }` keeps the default). */
export type Merged<D, O> = Omit<O, keyof D> & { [K in keyof D]: K extends keyof O ? Exclude<O[K], undefined> | D[K] : D[K] }

/** Options over defaults; an option set to undefined keeps its default. */
export function withDefaults<D extends object, O extends object>(defaults: D, options: O | undefined): Merged<D, O> {
  const out: Record<string, unknown> = { ...(defaults as Record<string, unknown>) }
  for (const [k, v] of Object.entries(options ?? {})) if (v !== undefined) out[k] = v
  return out as Merged<D, O>
}
