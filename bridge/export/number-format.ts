/** Numbers as text in exported files: plain decimals (no exponent), trailing zeros trimmed. */

/** Formats a finite number with at most `decimals` decimals, e.g. 0.5, 12, 0.000125; never "1e-7" or "-0". */
export function formatNumber(x: number, decimals = 9): string {
  if (!Number.isFinite(x)) throw new RangeError(`cannot write a non-finite number (${x}) into an export`)
  const s = x.toFixed(decimals)
  const trimmed = s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s
  return trimmed === '-0' ? '0' : trimmed
}
