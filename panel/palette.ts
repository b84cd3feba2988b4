/**
 * Polarity colours and shape cues. Okabe-Ito colours (safe for the common colour-vision deficiencies),
 * picked for a dark background; every coloured mark also carries a glyph or pattern so colour is never
 * the only cue.
 */
import type { PolarityLabel } from '../bridge/analysis/types.js'

/** CSS colour per polarity (Okabe-Ito orange, sky blue, and a neutral grey). */
export const POLARITY_COLOURS: Record<PolarityLabel, string> = {
  positive: '#E69F00',
  neutral: '#9A9A9A',
  negative: '#56B4E9',
}

/** Glyph shown next to (or inside) a polarity colour: up, round, down. */
export const POLARITY_GLYPHS: Record<PolarityLabel, string> = {
  positive: '▲',
  neutral: '●',
  negative: '▼',
}

/** Colour of the arousal curve (Okabe-Ito reddish purple: apart from both polarity hues). */
export const AROUSAL_COLOUR = '#CC79A7'

/** Dash patterns that tell the heads apart without colour, in CSS pixels. */
export const HEAD_DASHES: Record<'fused' | 'audio' | 'lyrics', number[]> = {
  fused: [],
  audio: [7, 4],
  lyrics: [2, 3],
}

/** Colour for a signed valence: positive, negative, or neutral inside ±`deadband`. */
export function valenceColour(valence: number, deadband = 0.1): string {
  if (valence > deadband) return POLARITY_COLOURS.positive
  if (valence < -deadband) return POLARITY_COLOURS.negative
  return POLARITY_COLOURS.neutral
}
