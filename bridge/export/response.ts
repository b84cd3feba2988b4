/** Response curves: bend a normalised value (0..1 in, 0..1 out) before it is scaled to the output range. */
import type { Normalized, Response } from './types.js'

const logistic = (x: number): number => 1 / (1 + Math.exp(-x))

/**
 * Applies a response curve. 'exponential' is (e^(k x) - 1) / (e^k - 1): slow start for k > 0, fast
 * start for k < 0. 's-curve' is a logistic of steepness k rescaled to pass through (0, 0) and (1, 1).
 * All three are monotonic and map 0 to 0 and 1 to 1.
 */
export function applyResponse(x: Normalized, response: Response, curvature: number): Normalized {
  switch (response) {
    case 'linear':
      return x
    case 'exponential':
      return Math.expm1(curvature * x) / Math.expm1(curvature)
    case 's-curve': {
      const lo = logistic(-curvature / 2)
      const hi = logistic(curvature / 2)
      return (logistic(curvature * (x - 0.5)) - lo) / (hi - lo)
    }
  }
}
