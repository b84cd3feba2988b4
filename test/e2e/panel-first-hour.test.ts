/**
 * What a songwriter sees in their first hour with the panel, in real headless Chromium against a fake
 * feed holding the example song's real lyrics and sections: the curve trailing the play head is
 * explained, the whole song comes into view when it ends, lyric lines stay readable zoomed out, section
 * names are legible on their patterns, and the section table sets music and lyrics side by side.
 * Screenshots at 1400x900 and 1024x700 go to test-artifacts/.
 */
import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import type { Frame, LyricLine, Section } from '../../bridge/analysis/types.js'
import { parseLyrics } from '../../bridge/lyrics/index.js'
import type { TransportState } from '../../bridge/server/protocol.js'
import type { ViewWindow } from '../../panel/view-window.js'
import { conflict, frame, reading, section, snapshot, status } from '../panel/feed-fixtures.js'
import { openPanel, screenshot } from './browser.js'
import { FakeBridge } from './fake-bridge.js'

const SIZES = [
  { width: 1400, height: 900 },
  { width: 1024, height: 700 },
]
/** The example song's lyric lines and sections, as a bridge streaming it holds them. */
const lyrics: LyricLine[] = parseLyrics(readFileSync('examples/demo-song.lrc', 'utf8'), 'lrc')
const sections: Section[] = [
  { ...section('Verse', 0, 16, 0.45, 'positive', [{ word: 'smiling', valence: 0.7, arousal: 0.3 }]) },
  { ...section('Chorus', 16, 32, -0.5, 'negative', [{ word: 'crying', valence: -0.8, arousal: -0.1 }]), audio: reading(0.4, 0.4, 'positive') },
  { ...section('Bridge', 32, 52, -0.3, 'negative'), audio: reading(-0.2, -0.3, 'negative') },
]
const conflicts = [conflict('Chorus', 16, 32, { score: 0.38 })]
/** Readings every 0.5 s from 0 to `until` (inclusive) following the sections. */
const framesTo = (until: number): Frame[] => {
  const out: Frame[] = []
  for (let t = 0; t <= until + 1e-9; t += 0.5) out.push(frame(t, t < 16 ? 0.45 : t < 32 ? -0.5 : -0.3, t < 32 ? 0.3 : -0.3, { audio: reading(t < 32 ? 0.4 : -0.2) }))
  return out
}

describe('the panel in a songwriter\'s first hour (Chromium)', () => {
  let browser: Browser
  let page: Page
  let bridge: FakeBridge
  let errors: string[]
  const held = { frames: framesTo(20), transport: { playing: true, time: 26, tempo: 135 } as TransportState }

  beforeAll(async () => {
    bridge = await new FakeBridge({
      snapshot: () => snapshot({ frames: held.frames, sections, conflicts, lyrics, duration: 56.4 }, status({ transport: held.transport, lookahead: 5 })),
    }).start()
    ;({ browser, page, errors } = await openPanel(bridge.url, { viewport: SIZES[0]! }))
  })

  afterAll(async () => {
    await browser?.close()
    await bridge?.stop()
  })

  const timeline = () =>
    page.evaluate(() => {
      const el = document.querySelector('emolane-panel')!.shadowRoot!.querySelector('el-timeline')!
      return { view: { ...el.view } as ViewWindow, follow: el.follow, playhead: el.playhead }
    })
  const sendTransport = (state: TransportState) => {
    held.transport = state
    bridge.send({ type: 'transport', state })
  }
  const sendFrames = (fs: Frame[]) => {
    held.frames = fs
    bridge.send({ type: 'frames', frames: fs })
  }

  test('while the song plays, the stretch not analysed yet is shaded and the toolbar says why the curve trails', async () => {
    const pending = page.locator('el-timeline .pending')
    await expect.poll(() => pending.isVisible()).toBe(true)
    expect(await pending.getAttribute('data-start')).toBe('20.00') // the newest reading
    const lag = page.locator('el-timeline .lag')
    await expect.poll(() => lag.textContent()).toMatch(/Curve \d+\.\d s behind the play head: each reading is the middle of a 6 s window, so it waits for the\s+next 5 s of music/) // 3 s of the window and 2 s the encoder hears past it (the status's lookahead)
    expect(await page.locator('el-timeline .pending span').textContent()).toBe('analysing…')
    await screenshot(page, 'first-hour-playing-1400x900')
    // Readings catch up with the play head: nothing is pending and the keyboard hint is back.
    sendFrames(framesTo(50))
    await expect.poll(() => pending.isVisible()).toBe(false)
    await expect.poll(() => lag.count()).toBe(0)
  })

  test('when the song ends, Follow turns off and the whole song is in view; playing again follows again', async () => {
    sendTransport({ playing: true, time: 45, tempo: 135 })
    await expect.poll(async () => (await timeline()).follow).toBe(true)
    const followSpan = (await timeline()).view.span
    expect(followSpan).toBeLessThan(40)
    sendFrames(framesTo(56))
    sendTransport({ playing: false, time: 56.4, tempo: 135 })
    await expect.poll(async () => (await timeline()).follow).toBe(false)
    const ended = await timeline()
    expect(ended.view.start).toBe(0)
    expect(ended.view.span).toBeGreaterThanOrEqual(56.4)
    expect(await page.locator('el-timeline button[aria-label="Follow the play head"]').getAttribute('aria-pressed')).toBe('false')
    expect(await page.locator('el-section-strip .section').count()).toBe(3)
    // Follow pressed after the end stays on: the song's end parks the view once, not again and again.
    await page.locator('el-timeline button[aria-label="Follow the play head"]').click()
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))))
    expect((await timeline()).follow).toBe(true)
    await page.locator('el-timeline .frame').press('0') // whole song again, for the next tests
    sendTransport({ playing: true, time: 10, tempo: 135 })
    await expect.poll(async () => (await timeline()).follow).toBe(false) // Fit by the user: play does not take the view back
    sendTransport({ playing: false, time: 56.4, tempo: 135 })
  })

  test('a song that ends while followed: play takes the follow view back with its old zoom', async () => {
    await page.locator('el-timeline button[aria-label="Follow the play head"]').click()
    await page.locator('el-timeline button[aria-label="Zoom in"]').click()
    await page.locator('el-timeline button[aria-label="Zoom in"]').click()
    sendTransport({ playing: true, time: 40, tempo: 135 })
    await expect.poll(async () => (await timeline()).view.span).toBeLessThan(40)
    const span = (await timeline()).view.span
    sendTransport({ playing: false, time: 56.4, tempo: 135 })
    await expect.poll(async () => (await timeline()).view.start === 0 && !(await timeline()).follow).toBe(true)
    sendTransport({ playing: true, time: 5, tempo: 135 })
    await expect.poll(async () => (await timeline()).follow).toBe(true)
    expect((await timeline()).view.span).toBeCloseTo(span)
    sendTransport({ playing: false, time: 56.4, tempo: 135 })
    await expect.poll(async () => (await timeline()).view.start === 0 && !(await timeline()).follow).toBe(true)
  })

  for (const size of SIZES) {
    test(`at ${size.width}x${size.height}, with the whole song in view, the lyric lines are readable`, async () => {
      await page.setViewportSize(size)
      await page.locator('el-timeline .frame').press('0')
      const lines = page.locator('el-lyric-lane .line')
      await expect.poll(() => lines.count()).toBe(lyrics.length)
      await screenshot(page, `first-hour-${size.width}x${size.height}`)
      // Each line's text fits its box (a cut line would end in an ellipsis; near the lane's end a line
      // wraps). In the 1400 px window every line is whole; in the 1024 px one the lane fills up (ten
      // rows), and a line cut short to make room still shows at least three quarters of it.
      const least = size.width >= 1400 ? 1 : 0.75
      const shown = () => lines.evaluateAll((els) => els.map((el) => ({ text: el.textContent, part: Math.min(1, el.clientWidth / el.scrollWidth, el.clientHeight / el.scrollHeight) })))
      await expect.poll(async () => (await shown()).filter((l) => l.part < least - 0.005)).toEqual([])
      // And no two lines overlap.
      const boxes = await lines.evaluateAll((els) => els.map((el) => el.getBoundingClientRect()).map((r) => ({ x: r.x, y: r.y, r: r.right, b: r.bottom })))
      const overlaps = boxes.flatMap((a, i) => boxes.slice(i + 1).filter((b) => a.x < b.r - 1 && b.x < a.r - 1 && a.y < b.b - 1 && b.y < a.b - 1).map(() => i))
      expect(overlaps).toEqual([])
      // The section table sits under the timeline; in the larger window, on screen without scrolling.
      const table = (await page.locator('el-section-table table').boundingBox())!
      const frame = (await page.locator('el-timeline .frame').boundingBox())!
      expect(table.y).toBeGreaterThan(frame.y + frame.height)
      if (size.height >= 900) expect(table.y + table.height).toBeLessThanOrEqual(size.height)
      await screenshot(page, `first-hour-${size.width}x${size.height}-full`, { fullPage: true })
    })
  }

  test('section names and polarity tags sit on a plain fill, with readable contrast', async () => {
    await page.locator('el-section-strip .section[data-section="Chorus"] .badge').click()
    await page.locator('el-conflict-card section').waitFor()
    const fills = await page.evaluate(() => {
      const panel = document.querySelector('emolane-panel')!.shadowRoot!
      const strip = panel.querySelector('el-timeline')!.shadowRoot!.querySelector('el-section-strip')!.shadowRoot!
      const card = panel.querySelector('el-conflict-card')!.shadowRoot!
      const els = [...strip.querySelectorAll<HTMLElement>('.section .label'), ...card.querySelectorAll<HTMLElement>('.tag')]
      return els.map((el) => {
        const cs = getComputedStyle(el)
        return { text: el.textContent!.trim(), image: cs.backgroundImage, background: cs.backgroundColor, colour: cs.color }
      })
    })
    expect(fills.map((f) => f.text)).toEqual(['▲ Verse', '▼ Chorus', '▼ Bridge', '▼ negative', '▲ positive'])
    for (const f of fills) {
      expect(f.image, `${f.text}: a pattern under the text`).toBe('none')
      expect(contrast(f.colour, f.background), `${f.text}: ${f.colour} on ${f.background}`).toBeGreaterThanOrEqual(4.5)
    }
    await page.keyboard.press('Escape')
  })

  test('the section table sets music and lyrics side by side and opens a conflict\'s explanation', async () => {
    const rows = await page.locator('el-section-table tbody tr').evaluateAll((trs) =>
      trs.map((tr) => [tr.getAttribute('data-section'), tr.querySelector('[data-head="music"] .pol')!.textContent!.trim(), tr.querySelector('[data-head="lyrics"] .pol')!.textContent!.trim(), tr.querySelector('td:last-child')!.textContent!.replace(/\s+/g, ' ').trim()]),
    )
    expect(rows).toEqual([
      ['Verse', '▲ positive', '▲ positive', 'agree'],
      ['Chorus', '▲ positive', '▼ negative', '⚡ disagree 38% Why?'],
      ['Bridge', '▼ negative', '▼ negative', 'agree'],
    ])
    expect(await page.locator('el-section-table tr[data-section="Verse"] q').allTextContents()).toEqual(['smiling'])
    await page.locator('el-section-table button', { hasText: 'Why?' }).click()
    await expect.poll(() => page.locator('el-conflict-card section').textContent()).toContain(conflicts[0]!.explanation)
    await page.keyboard.press('Escape')
  })

  test('no script errors on the page', () => {
    expect(errors).toEqual([])
  })
})

/** WCAG contrast ratio of two CSS rgb()/rgba() colours. */
function contrast(a: string, b: string): number {
  const lum = (css: string) => {
    const [r, g, bl] = css.match(/[\d.]+/g)!.slice(0, 3).map(Number).map((c) => {
      const s = c / 255
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4
    }) as [number, number, number]
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl
  }
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x) as [number, number]
  return (hi + 0.05) / (lo + 0.05)
}
