// @vitest-environment happy-dom
import { afterEach, describe, expect, test } from 'vitest'
import { html } from 'lit'
import '../../panel/el-section-strip.js'
import type { ElSectionStrip } from '../../panel/el-section-strip.js'
import { cleanup, fixture, recordEvents, shadow } from './fixture.js'
import { conflict, section } from './feed-fixtures.js'

afterEach(cleanup)

const sections = [section('Verse', 0, 20, 0.5), section('Chorus', 20, 40, -0.6), section('Bridge', 40, 60, 0)]

describe('<el-section-strip>', () => {
  test('shows each section in view with its name and the polarity the feed gave it', async () => {
    const el = await fixture<ElSectionStrip>(html`<el-section-strip .sections=${sections} .view=${{ start: 0, span: 60 }}></el-section-strip>`)
    const blocks = [...shadow(el).querySelectorAll<HTMLElement>('.section')]
    expect(blocks.map((b) => [b.dataset.section, b.dataset.label])).toEqual([
      ['Verse', 'positive'],
      ['Chorus', 'negative'],
      ['Bridge', 'neutral'],
    ])
    expect(blocks[1]!.classList.contains('pol-negative')).toBe(true)
    expect(blocks[1]!.textContent).toContain('▼')
    expect(blocks[1]!.style.left).toBe(`${(20 / 60) * 100}%`)
  })

  test('sections outside the view are not rendered', async () => {
    const el = await fixture<ElSectionStrip>(html`<el-section-strip .sections=${sections} .view=${{ start: 45, span: 10 }}></el-section-strip>`)
    expect([...shadow(el).querySelectorAll<HTMLElement>('.section')].map((b) => b.dataset.section)).toEqual(['Bridge'])
  })

  test('only the conflicting section gets a badge, and pressing it asks for the explanation', async () => {
    const el = await fixture<ElSectionStrip>(
      html`<el-section-strip .sections=${sections} .conflicts=${[conflict('Chorus', 20, 40)]} .view=${{ start: 0, span: 60 }}></el-section-strip>`,
    )
    const badges = [...shadow(el).querySelectorAll<HTMLButtonElement>('.badge')]
    expect(badges).toHaveLength(1)
    expect(badges[0]!.closest<HTMLElement>('.section')!.dataset.section).toBe('Chorus')
    expect(badges[0]!.getAttribute('aria-label')).toMatch(/Conflict in Chorus: lyrics negative, music positive, score 72%/)
    const stop = recordEvents()
    badges[0]!.click()
    expect(stop()).toEqual([{ type: 'el-conflict-open', detail: { section: 'Chorus', start: 20 } }])
  })

  test('setting sections, conflicts and view from code fires no event', async () => {
    const stop = recordEvents()
    const el = await fixture<ElSectionStrip>(html`<el-section-strip></el-section-strip>`)
    el.sections = sections
    el.conflicts = [conflict('Chorus', 20, 40)]
    el.view = { start: 10, span: 40 }
    await el.updateComplete
    expect(shadow(el).querySelectorAll('.section').length).toBe(3)
    expect(stop()).toEqual([])
  })
})
