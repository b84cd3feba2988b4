// @vitest-environment happy-dom
import { afterEach, describe, expect, test } from 'vitest'
import { html } from 'lit'
import '../../panel/el-lyric-lane.js'
import type { ElLyricLane } from '../../panel/el-lyric-lane.js'
import { cleanup, fixture, shadow } from './fixture.js'
import { conflict, HOSTILE_LYRICS, line, section } from './feed-fixtures.js'

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

  test("a line outside every conflict marks the words that carry its section's mood", async () => {
    const verse = section('Verse', 0, 20, 0.5, 'positive', [
      { word: 'sunshine', valence: 0.7, arousal: 0.3, t: 2 },
      { word: 'smile', valence: 0.4, arousal: 0.1, t: 12 },
    ])
    const chorus = section('Chorus', 20, 40, -0.6, 'negative', [{ word: 'goodbye', valence: -0.3, arousal: 0 }])
    const el = await fixture<ElLyricLane>(
      html`<el-lyric-lane
        .lines=${[line(2, 6, 'Sunshine on my window'), line(12, 16, 'You make me smile'), line(21, 25, 'Say goodbye through tears')]}
        .sections=${[verse, chorus]}
        .conflicts=${[conflict('Chorus', 20, 40)]}
        .view=${{ start: 0, span: 40 }}
      ></el-lyric-lane>`,
    )
    const [first, second, third] = [...shadow(el).querySelectorAll<HTMLElement>('.line')].map((l) => [...l.querySelectorAll('mark')])
    expect(first!.map((m) => [m.textContent, m.className])).toEqual([['Sunshine', 'section positive']])
    expect(first![0]!.title).toBe("carries the section's lyric mood: valence +0.70")
    expect(second!.map((m) => m.textContent)).toEqual(['smile'])
    // the conflict's words keep their stronger marking, and the conflict's valence, inside its section
    expect(third!.map((m) => [m.textContent, m.className])).toEqual([
      ['goodbye', 'conflict negative'],
      ['tears', 'conflict negative'],
    ])
    expect(third![0]!.title).toBe('carries the mood: valence −0.70')
  })

  test('a section mood word holding markup is still text', async () => {
    const evil = '<img/src=x/onerror=window.__pwned=5>'
    const s = section('Verse', 0, 10, -0.5, 'negative', [{ word: evil, valence: -0.5, arousal: 0 }])
    const el = await fixture<ElLyricLane>(html`<el-lyric-lane .lines=${[line(1, 4, `lost ${evil}`)]} .sections=${[s]} .view=${{ start: 0, span: 10 }}></el-lyric-lane>`)
    expect(shadow(el).querySelector('img')).toBeNull()
    expect([...shadow(el).querySelectorAll('mark')].map((m) => m.textContent)).toEqual([evil])
    expect((globalThis as { __pwned?: number }).__pwned).toBeUndefined()
  })
})
