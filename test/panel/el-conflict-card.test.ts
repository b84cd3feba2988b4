// @vitest-environment happy-dom
import { afterEach, describe, expect, test } from 'vitest'
import { html } from 'lit'
import '../../panel/el-conflict-card.js'
import type { ElConflictCard } from '../../panel/el-conflict-card.js'
import { cleanup, fixture, recordEvents, shadow } from './fixture.js'
import { conflict } from './feed-fixtures.js'

afterEach(cleanup)

describe('<el-conflict-card>', () => {
  test('explains the conflict: the words, the musical cues and the score', async () => {
    const el = await fixture<ElConflictCard>(html`<el-conflict-card .conflict=${conflict('Chorus', 20, 40)}></el-conflict-card>`)
    const text = shadow(el).textContent!.replace(/\s+/g, ' ')
    expect(text).toContain('Chorus')
    expect(text).toContain('score 72%')
    expect(text).toContain('The words say goodbye and tears')
    expect([...shadow(el).querySelectorAll('ul.words li')].map((li) => li.textContent!.trim().split(/\s+/)[0])).toEqual(['goodbye', 'tears'])
    expect(text).toMatch(/Tempo\s*128 bpm/)
    expect(text).toMatch(/Key\s*D major/)
    expect(text).toMatch(/Loudness\s*-9.5 dBFS/)
    expect(text).toMatch(/Brightness\s*2400 Hz/)
  })

  test('renders nothing without a conflict', async () => {
    const el = await fixture<ElConflictCard>(html`<el-conflict-card></el-conflict-card>`)
    expect(shadow(el).querySelector('section')).toBeNull()
  })

  test('an explanation or word holding markup shows as text', async () => {
    const c = conflict('<i>Chorus</i>', 0, 10, {
      explanation: '<img src=x onerror="window.__pwned=9">',
      lyrics: { label: 'negative', valence: -0.5, words: [{ word: '<script>x()</script>', valence: -0.5, arousal: 0 }] },
    })
    const el = await fixture<ElConflictCard>(html`<el-conflict-card .conflict=${c}></el-conflict-card>`)
    expect(shadow(el).querySelector('img, script, i')).toBeNull()
    expect(shadow(el).querySelector('p.why')!.textContent).toBe('<img src=x onerror="window.__pwned=9">')
  })

  test('the close button and Escape ask to close; setting the conflict from code fires nothing', async () => {
    const stop = recordEvents()
    const el = await fixture<ElConflictCard>(html`<el-conflict-card></el-conflict-card>`)
    el.conflict = conflict('Chorus', 20, 40)
    await el.updateComplete
    expect(stop()).toEqual([])
    const stop2 = recordEvents()
    shadow(el).querySelector<HTMLButtonElement>('.close')!.click()
    shadow(el).querySelector('section')!.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true, composed: true }))
    expect(stop2()).toEqual([
      { type: 'el-conflict-close', detail: { section: 'Chorus' } },
      { type: 'el-conflict-close', detail: { section: 'Chorus' } },
    ])
  })
})
