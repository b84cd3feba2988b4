/**
 * Automation mappings: which emotion curve drives which target, and how it is shaped on the way.
 * A mapping file (presets/mappings/*.json or the user's own) has the shape of `Mapping`.
 * Every value between the curve and the target lives in a normalised output space [0, 1]
 * (0 = the target's minimum, 1 = its maximum); each writer scales it to its own units.
 */
import type { Seconds } from '../analysis/types.js'

/** Which head of the model a curve comes from. */
export const HEADS = ['fused', 'audio', 'lyrics'] as const
export type Head = (typeof HEADS)[number]

/** What a head measures: valence and arousal in [-1, 1]; polarity probabilities and confidence in [0, 1]. */
export const QUANTITIES = ['valence', 'arousal', 'negative', 'neutral', 'positive', 'confidence'] as const
export type Quantity = (typeof QUANTITIES)[number]

/** A curve of the analysis: `head.quantity` (e.g. `fused.arousal`, `lyrics.negative`) or `conflict` (lyric-versus-music score, 0..1). */
export type CurveId = `${Head}.${Quantity}` | 'conflict'

/** How the normalised curve bends before it reaches the target range. */
export const RESPONSES = ['linear', 'exponential', 's-curve'] as const
export type Response = (typeof RESPONSES)[number]

/** A value in the normalised output space, 0..1. */
export type Normalized = number

/** A MIDI controller: the target of SMF and DAWproject exports and of the REAPER CC fallback. */
export type CcTarget = {
  /** Controller number 0..127 (0..31 for 14-bit lanes, whose LSB goes to cc + 32) */
  cc: number
  /** MIDI channel 1..16, default 1 */
  channel?: number
  /** 7 (one CC) or 14 (MSB/LSB pair), default 7 */
  bits?: 7 | 14
}

/** REAPER track envelopes an RPP lane can be written to (no plug-in needed). */
export const REAPER_ENVELOPES = ['volume', 'pan', 'width'] as const
export type ReaperEnvelope = (typeof REAPER_ENVELOPES)[number]

/** One automation lane as written in a mapping file. */
export type LaneSpec = {
  /** Name shown in the DAW, default derived from curve and target */
  name?: string
  /** The analysis curve that drives this lane */
  curve: CurveId
  /** MIDI CC target for file exports */
  target: CcTarget
  /** Output range within the target's full range, [min, max] in 0..1, default [0, 1] */
  range?: [min: Normalized, max: Normalized]
  /** Flip the curve (1 - x) before the response curve, default false */
  invert?: boolean
  /** Response curve, default 'linear' */
  response?: Response
  /** Bend of the exponential or S-curve (> 0; negative exponential bends the other way), default 3 */
  curvature?: number
  /** Smoothing time constant in seconds (zero-phase in exports, causal live); 0 = off; default 0 */
  smoothing?: Seconds
  /** Largest allowed deviation of the exported lane from the curve, normalised units, default the mapping's */
  tolerance?: Normalized
  /** Where lyrics-head gaps (no lyric sung) take their value: 'hold' the nearest sung value, or a fixed curve value */
  missing?: 'hold' | number
  /** REAPER envelope for RPP exports, default 'volume' */
  reaper?: ReaperEnvelope
}

/** A mapping file. */
export type Mapping = {
  /** Short kebab-case name, e.g. 'filter-arousal' */
  name: string
  /** One or two sentences a producer reads in `emolane export --list-mappings` */
  description?: string
  /** Default tolerance for lanes that name none, normalised units (0.01 = 1 % of the range) */
  tolerance?: Normalized
  lanes: LaneSpec[]
}

/** A lane spec with every default filled in. */
export type ResolvedLane = Required<Omit<LaneSpec, 'target'>> & {
  target: Required<CcTarget>
}

/** A mapping with every default filled in and every field checked. */
export type ResolvedMapping = { name: string; description: string; tolerance: Normalized; lanes: ResolvedLane[] }

/** One sample of a lane: time and normalised value. */
export type LanePoint = { t: Seconds; v: Normalized }

/** A lane computed from an analysis: the mapped value at every analysed frame. */
export type LaneCurve = {
  lane: ResolvedLane
  /** The mapped curve at every analysed frame, in time order; the reference every export is held to. */
  frames: LanePoint[]
}
