/** Frames: the model's window outputs placed on the timeline. */
import type { WindowOutput } from '../engine/emotion-model.js'
import { toReading } from './readings.js'
import type { Frame } from './types.js'
import type { WindowPlan } from './windows.js'

/** A Frame from a window's plan and its model output. */
export function buildFrame(plan: WindowPlan, out: WindowOutput): Frame {
  return {
    ...toReading(out.fused),
    t: plan.t,
    start: plan.start,
    end: plan.end,
    audio: toReading(out.audio),
    lyrics: out.lyrics ? toReading(out.lyrics) : null,
  }
}
