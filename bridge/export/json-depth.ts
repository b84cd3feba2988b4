/** Refuses JSON nested deeper than a limit before it is parsed: a file nested 100,000 deep must not end in "Maximum call stack size exceeded". */

/** Deepest nesting of arrays and objects accepted in a mapping or analysis file. */
export const MAX_JSON_DEPTH = 64

/** The deepest nesting of `text` (scanning strings correctly), stopping once past `limit`. */
export function jsonDepth(text: string, limit = MAX_JSON_DEPTH): number {
  let depth = 0
  let deepest = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (inString) {
      if (c === 0x5c /* \ */) i++
      else if (c === 0x22 /* " */) inString = false
    } else if (c === 0x22) {
      inString = true
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      if (++depth > deepest && (deepest = depth) > limit) return deepest
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      depth--
    }
  }
  return deepest
}

/** Throws `make(message)` when `text` nests deeper than MAX_JSON_DEPTH. */
export function checkJsonDepth(text: string, what: string, make: (message: string) => Error): void {
  if (jsonDepth(text) > MAX_JSON_DEPTH) throw make(`${what} is nested more than ${MAX_JSON_DEPTH} levels deep (arrays and objects): refused before parsing`)
}
