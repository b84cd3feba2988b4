/** Turns an analysis and a mapping into lane curves: the mapped target value at every analysed frame. */
import type { Analysis } from '../analysis/types.js'
import { checkFrames, sampleCurve } from './curves.js'
import { applyResponse } from './response.js'
import { smoothZeroPhase } from './smoothing.js'
import { thinLinear } from './thinning.js'
import type { LaneCurve, LanePoint, Normalized, ResolvedLane, ResolvedMapping } from './types.js'

/** Shapes one normalised curve value for a lane: invert, respond, scale into the lane's range. */
export function shapeValue(lane: ResolvedLane, x: Normalized): Normalized {
  const flipped = lane.invert ? 1 - x : x
  const bent = applyResponse(flipped, lane.response, lane.curvature)
  const [lo, hi] = lane.range
  return Math.min(hi, Math.max(lo, lo + (hi - lo) * bent))
}

/** The mapped curve of one lane over the whole analysis (smoothing is zero-phase here). */
export function laneCurve(analysis: Analysis, lane: ResolvedLane): LaneCurve {
  const samples = smoothZeroPhase(sampleCurve(analysis, lane.curve, lane.missing), lane.smoothing)
  return { lane, frames: samples.map((p) => ({ t: p.t, v: shapeValue(lane, p.v) })) }
}

/** Every lane of a mapping over the analysis; throws AnalysisError for an empty or corrupt analysis. */
export function laneCurves(analysis: Analysis, mapping: ResolvedMapping): LaneCurve[] {
  checkFrames(analysis)
  return mapping.lanes.map((lane) => laneCurve(analysis, lane))
}

/** The thinned points of a lane, with a point at time 0 holding the first value. */
export function linearLanePoints(lane: LaneCurve): LanePoint[] {
  const points = thinLinear(lane.frames, lane.lane.tolerance)
  if (points.length > 0 && points[0]!.t > 0) points.unshift({ t: 0, v: points[0]!.v })
  return points
}
