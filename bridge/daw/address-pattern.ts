/** OSC address patterns for dialect rules: `*` matches one path segment and is captured (a marker or region slot). */

export type AddressMatcher = (address: string) => string[] | null

/** Compiles a pattern; the matcher returns the segments its `*`s matched, or null when the address does not fit. */
export function compileAddress(pattern: string): AddressMatcher {
  const source = pattern
    .split('/')
    .map((seg) => (seg === '*' ? '([^/]+)' : seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/')
  const re = new RegExp(`^${source}$`)
  return (address) => {
    const m = re.exec(address)
    return m ? m.slice(1) : null
  }
}
