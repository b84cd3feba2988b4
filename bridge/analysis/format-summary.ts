/** The human summary `emolane analyze` prints: song, sections, conflicts. */
import type { Analysis, Reading } from './types.js'

/** m:ss for song times. */
export function clock(s: number): string {
  const t = Math.max(0, Math.round(s))
  return `${Math.floor(t / 60)}:${String(t % 60).padStart(2, '0')}`
}

const signed = (x: number): string => `${x >= 0 ? '+' : ''}${x.toFixed(2)}`
const pct = (r: Reading): string => `${Math.round(Math.max(...r.polarity) * 100)}%`
const reading = (r: Reading | null): string => (r ? `${r.label.padEnd(8)} ${pct(r).padStart(4)}  V ${signed(r.valence)} A ${signed(r.arousal)}` : 'no lyrics')

/** Multi-line text summarising an analysis for a terminal. */
export function formatSummary(a: Analysis & { model: { trained?: boolean } }): string {
  const out: string[] = []
  const untrained = a.model.trained === false ? '  [UNTRAINED MODEL: readings mean nothing yet]' : ''
  out.push(`${a.source}: ${clock(a.duration)} analysed, ${a.frames.length} readings every ${a.hop} s; model ${a.model.name} ${a.model.version} on ${a.model.device}${untrained}`)
  if (a.tempo !== null) out.push(`tempo ${Math.round(a.tempo)} BPM`)
  out.push('')
  out.push(`whole song   ${reading(a.summary)}`)
  out.push(`  music      ${reading(a.summary.audio)}`)
  out.push(`  lyrics     ${reading(a.summary.lyrics)}`)
  if (a.sections.length > 0) {
    out.push('')
    out.push('sections')
    const width = Math.max(...a.sections.map((s) => s.name.length), 4)
    for (const s of a.sections) {
      out.push(`  ${clock(s.start).padStart(5)}-${clock(s.end).padEnd(5)} ${s.name.padEnd(width)}  ${reading(s)}   music ${s.audio.label}, lyrics ${s.lyrics?.label ?? '-'}`)
    }
  }
  out.push('')
  if (a.conflicts.length === 0) out.push('no lyric-versus-music conflicts found')
  else {
    out.push(`${a.conflicts.length} lyric-versus-music conflict${a.conflicts.length === 1 ? '' : 's'}`)
    for (const c of a.conflicts) out.push(`  ${c.section} (${clock(c.start)}-${clock(c.end)}), score ${c.score.toFixed(2)}: ${c.explanation}`)
  }
  return out.join('\n')
}
