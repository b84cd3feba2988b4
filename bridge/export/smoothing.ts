/** One-pole smoothing on irregularly timed samples: zero-phase for exports, causal for live writes. */
import type { Seconds } from '../analysis/types.js'
import type { LanePoint } from './types.js'

/** The one-pole coefficient for a step of dt seconds with time constant tau. */
export function smoothingAlpha(dt: Seconds, tau: Seconds): number {
  return tau <= 0 ? 1 : -Math.expm1(-Math.max(0, dt) / tau)
}

/** One causal pass, oldest to newest. */
function forward(points: LanePoint[], tau: Seconds): LanePoint[] {
  const out: LanePoint[] = []
  let y = points[0]!.v
  let prevT = points[0]!.t
  for (const p of points) {
    y += smoothingAlpha(p.t - prevT, tau) * (p.v - y)
    prevT = p.t
    out.push({ t: p.t, v: y })
  }
  return out
}

/**
 * Forward-backward one-pole smoothing with time constant tau (seconds): no lag, so exported
 * automation stays aligned with the music. tau = 0 returns the points unchanged.
 */
export function smoothZeroPhase(points: LanePoint[], tau: Seconds): LanePoint[] {
  if (tau <= 0 || points.length < 2) return points
  const once = forward(points, tau)
  const reversed = once.map((p) => ({ t: -p.t, v: p.v })).reverse()
  return forward(reversed, tau)
    .reverse()
    .map((p) => ({ t: -p.t, v: p.v }))
}

/** Causal one-pole smoother for live writes: feed it samples as the play head moves. */
export class CausalSmoother {
  private y: number | null = null
  private lastT: Seconds = 0

  constructor(private readonly tau: Seconds) {}

  /** Smoothed value after a sample v at time t; a jump back in time (seek) restarts from v. */
  next(t: Seconds, v: number): number {
    if (this.y === null || t < this.lastT || this.tau <= 0) {
      this.y = v
    } else {
      this.y += smoothingAlpha(t - this.lastT, this.tau) * (v - this.y)
    }
    this.lastT = t
    return this.y
  }

  /** Forget the state (on stop or seek). */
  reset(): void {
    this.y = null
  }
}
