// @vitest-environment happy-dom
import { afterEach, describe, expect, test } from 'vitest'
import { html } from 'lit'
import '../../panel/el-section-table.js'
import type { ElSectionTable } from '../../panel/el-section-table.js'
import { cleanup, fixture, recordEvents, shadow } from './fixture.js'
import { conflict, reading, section } from './feed-fixtures.js'

afterEach(cleanup)

const sections = [
  section('Verse', 0, 20, 0.5, 'positive', [{ word: 'sunshine', valence: 0.7, arousal: 0.3 }]),
  { ...section('Chorus', 20, 40, -0.6, 'negative'), audio: reading(0.5, 0.5, 'positive') },
  { ...section('Outro', 40, 50, 0.0, 'neutral'), lyrics: null },
  { ...section('Coda', 50, 60, -0.2, 'negative'), audio: reading(0.1, 0, 'positive') },
]

describe('<el-section-table>', () => {
  test('one row per section: music and lyrics side by side, and whether they agree', async () => {
    const el = await fixture<ElSectionTable>(html`<el-section-table .sections=${sections} .conflicts=${[conflict('Chorus', 20, 40)]}></el-section-table>`)
    const rows = [...shadow(el).querySelectorAll('tbody tr')].map((tr) => [
      tr.getAttribute('data-section'),
      tr.querySelector('[data-head="music"]')!.textContent!.replace(/\s+/g, ' ').trim(),
      tr.querySelector('[data-head="lyrics"]')!.textContent!.replace(/\s+/g, ' ').trim(),
      tr.querySelector('td:last-child')!.textContent!.replace(/\s+/g, ' ').trim(),
    ])
    expect(rows).toEqual([
      ['Verse', '▲ positive V +0.50 A +0.20', '▲ positive V +0.50 A +0.20', 'agree'],
      ['Chorus', '▲ positive V +0.50 A +0.50', '▼ negative V −0.60 A +0.20', '⚡ disagree 72% Why?'],
      ['Outro', '● neutral V +0.00 A +0.20', 'no lyrics', ''],
      // lyrics and music lean apart, but not enough for the preset's conflict threshold: not called agreement
      ['Coda', '▲ positive V +0.10 A +0.00', '▼ negative V −0.20 A +0.20', 'differ, below the conflict threshold'],
    ])
  })

  test('Why? asks for the conflict explanation; setting data from code fires nothing', async () => {
    const stop = recordEvents()
    const el = await fixture<ElSectionTable>(html`<el-section-table></el-section-table>`)
    expect(shadow(el).textContent).toContain('Sections appear here once their audio has been analysed.')
    el.sections = sections
    el.conflicts = [conflict('Chorus', 20, 40)]
    await el.updateComplete
    expect(stop()).toEqual([])
    const record = recordEvents()
    shadow(el).querySelector<HTMLButtonElement>('button')!.click()
    expect(record().map((e) => [e.type, e.detail])).toEqual([['el-conflict-open', { section: 'Chorus', start: 20 }]])
  })
})
