// @vitest-environment happy-dom
import { afterEach, describe, expect, test } from 'vitest'
import { html } from 'lit'
import '../../panel/el-lyric-lane.js'
import type { ElLyricLane } from '../../panel/el-lyric-lane.js'
import { cleanup, fixture, shadow } from './fixture.js'
import { conflict, HOSTILE_LYRICS, line } from './feed-fixtures.js'

afterEach(cleanup)

describe('<el-lyric-lane>', () => {
  test('lyrics holding HTML or script show as text and create no elements', async () => {
    const lines = HOSTILE_LYRICS.map((text, i) => line(i * 5, i * 5 + 4, text))
    const el = await fixture<ElLyricLane>(html`<el-lyric-lane .lines=${lines} .view=${{ start: 0, span: 30 }}></el-lyric-lane>`)
    const root = shadow(el)
    expect(root.querySelector('script, img, svg, iframe')).toBeNull()
    const shown = [...root.querySelectorAll<HTMLElement>('.line')].map((l) => l.textContent!.replace(/\s+/g, ' ').trim())
    expect(shown).toEqual(HOSTILE_LYRICS.map((t) => t.replace(/\s+/g, ' ')))
    expect((globalThis as { __pwned?: number }).__pwned).toBeUndefined()
  })

  test('a hostile lyric that is also a mood word is still text', async () => {
    const evil = '<b>tears</b>'
    const c = conflict('Chorus', 0, 10, { lyrics: { label: 'negative', valence: -0.5, words: [{ word: evil, valence: -0.5, arousal: 0 }] } })
    const el = await fixture<ElLyricLane>(html`<el-lyric-lane .lines=${[line(1, 4, `cry ${evil}`)]} .conflicts=${[c]} .view=${{ start: 0, span: 10 }}></el-lyric-lane>`)
    const mark = shadow(el).querySelector('mark')!
    expect(mark.textContent).toBe(evil)
    expect(shadow(el).querySelector('b')).toBeNull()
  })

  test('lines sit at their times and the words that carry the mood are marked', async () => {
    const el = await fixture<ElLyricLane>(
      html`<el-lyric-lane
        .lines=${[line(2, 6, 'Sunshine on my window'), line(21, 25, 'Say goodbye through tears')]}
        .conflicts=${[conflict('Chorus', 20, 40)]}
        .view=${{ start: 0, span: 40 }}
        .playhead=${22}
      ></el-lyric-lane>`,
    )
    const lines = [...shadow(el).querySelectorAll<HTMLElement>('.line')]
    expect(lines.map((l) => l.style.left)).toEqual([`${(2 / 40) * 100}%`, `${(21 / 40) * 100}%`])
    expect([...lines[1]!.querySelectorAll('mark')].map((m) => m.textContent)).toEqual(['goodbye', 'tears'])
    expect(lines[0]!.querySelector('mark')).toBeNull()
    expect(lines[1]!.classList.contains('now')).toBe(true)
  })
})
