/**
 * The built panel in real headless Chromium against a fake bridge the test drives message by message:
 * proves the panel's behaviour independently of the engine (the real bridge is in panel.e2e.test.ts).
 */
import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import type { Frame } from '../../bridge/analysis/types.js'
import { conflict, demoSong, frames, HOSTILE_LYRICS, section, snapshot, status } from '../panel/feed-fixtures.js'
import { launchChromium, openPanel, screenshot } from './browser.js'
import { FakeBridge } from './fake-bridge.js'

const TOKEN = 'e2e-token'
const song = demoSong()

describe('panel against a fake feed (Chromium)', () => {
  let browser: Browser
  let page: Page
  let bridge: FakeBridge
  let errors: string[]
  /** What the fake's snapshot holds: grows as the test streams. */
  const held: { frames: Frame[] } = { frames: [] }

  beforeAll(async () => {
    expect(readFileSync('dist/panel/index.html', 'utf8')).toContain('panel.js')
    bridge = await new FakeBridge({
      token: TOKEN,
      snapshot: () => snapshot({ frames: held.frames, sections: [], conflicts: [], lyrics: song.lyrics }, status()),
    }).start()
    ;({ browser, page, errors } = await openPanel(bridge.url, { viewport: { width: 1200, height: 720 }, acceptDownloads: true }))
  })

  afterAll(async () => {
    await browser?.close()
    await bridge?.stop()
  })

  const points = () => page.locator('el-emotion-curve').getAttribute('data-points').then(Number)

  test('the curve gains points as frames arrive', async () => {
    expect(await points()).toBe(0)
    const all = song.frames
    for (let i = 0; i < 60; i += 20) {
      const batch = all.slice(i, i + 20)
      held.frames.push(...batch)
      bridge.send({ type: 'frames', frames: batch })
      await expect.poll(points).toBe(i + 20)
    }
    expect(Number(await page.locator('el-emotion-curve').getAttribute('data-drawn'))).toBeGreaterThan(0)
  })

  test('sections take the colour of the polarity the feed gave them', async () => {
    bridge.send({ type: 'sections', sections: song.sections, summary: null })
    const strip = page.locator('el-section-strip .section')
    await expect.poll(() => strip.count()).toBe(2) // the 30 s view shows Verse and Chorus
    const colours = await page.evaluate(() => {
      const panel = document.querySelector('emolane-panel')!
      const strip = panel.shadowRoot!.querySelector('el-timeline')!.shadowRoot!.querySelector('el-section-strip')!
      return [...strip.shadowRoot!.querySelectorAll<HTMLElement>('.section')].map((el) => [el.dataset.section, el.dataset.label, getComputedStyle(el).backgroundColor])
    })
    expect(colours).toEqual([
      ['Verse', 'positive', 'rgb(230, 159, 0)'],
      ['Chorus', 'negative', 'rgb(86, 180, 233)'],
    ])
  })

  test('the conflict badge appears on the conflicting section and opens its explanation', async () => {
    bridge.send({ type: 'conflicts', conflicts: song.conflicts })
    const badge = page.locator('el-section-strip .section[data-section="Chorus"] .badge')
    await badge.waitFor()
    expect(await page.locator('el-section-strip .badge').count()).toBe(1)
    await badge.click()
    const card = page.locator('el-conflict-card section')
    await card.waitFor()
    await expect.poll(() => card.textContent()).toContain('The words say goodbye and tears')
    expect(await card.textContent()).toContain('128 bpm')
    await screenshot(page, 'panel-fake-conflict')
    await page.keyboard.press('Escape')
    await card.waitFor({ state: 'detached' })
  })

  test('hostile lyrics show as text and run nothing', async () => {
    const lane = page.locator('el-lyric-lane')
    await page.locator('el-timeline .frame').focus()
    await page.keyboard.press('0') // whole song: every lyric line in view
    await expect.poll(() => lane.locator('.line').count()).toBe(4)
    expect(await lane.locator('.line').allTextContents()).toEqual(expect.arrayContaining(HOSTILE_LYRICS.slice(0, 2)))
    expect(await page.evaluate(() => (window as { __pwned?: number }).__pwned)).toBeUndefined()
    expect(await page.locator('el-lyric-lane img, el-lyric-lane script').count()).toBe(0)
  })

  test('a seek in the feed moves the cursor', async () => {
    const cursor = page.locator('el-timeline .cursor')
    bridge.send({ type: 'transport', state: { playing: false, time: 42.5, tempo: 120 } })
    await expect.poll(() => cursor.getAttribute('data-time')).toBe('42.50')
    const at = async () => (await cursor.boundingBox())!.x
    const x1 = await at()
    bridge.send({ type: 'transport', state: { playing: false, time: 10, tempo: 120 } })
    await expect.poll(() => cursor.getAttribute('data-time')).toBe('10.00')
    expect(await at()).toBeLessThan(x1 - 50)
  })

  test('while playing the cursor runs and the view follows it', async () => {
    await page.locator('el-timeline button[aria-label="Follow the play head"]').click() // fit turned following off
    await expect.poll(() => page.locator('el-timeline').getAttribute('follow')).toBe('')
    bridge.send({ type: 'transport', state: { playing: true, time: 20, tempo: 120 } })
    const cursor = page.locator('el-timeline .cursor')
    await expect.poll(async () => Number(await cursor.getAttribute('data-time'))).toBeGreaterThan(20.3)
    // Following: the view scrolls so the cursor stays a quarter in while song time runs on.
    expect(await cursor.getAttribute('style')).toBe('left:25.000%')
    const t1 = Number(await cursor.getAttribute('data-time'))
    await expect.poll(async () => Number(await cursor.getAttribute('data-time'))).toBeGreaterThan(t1 + 0.3)
    expect(await cursor.getAttribute('style')).toBe('left:25.000%')
    bridge.send({ type: 'transport', state: { playing: false, time: 25, tempo: 120 } })
  })

  test('the export dialog downloads the file the bridge makes', async () => {
    await page.locator('el-curve-controls button', { hasText: 'Export' }).click()
    const dialog = page.locator('el-export-dialog dialog')
    await dialog.waitFor()
    await page.locator('el-export-dialog select[name="to"]').selectOption('csv')
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('el-export-dialog button[type="submit"]').click()])
    expect(download.suggestedFilename()).toBe('emolane-filter-arousal.csv')
    const body = readFileSync((await download.path())!, 'utf8')
    expect(body).toContain('csv,filter-arousal')
    expect(bridge.calls).toContainEqual({ method: 'GET', path: '/api/export', query: { to: 'csv', mapping: 'filter-arousal', token: TOKEN } })
    await expect.poll(() => page.locator('el-export-dialog .result').textContent()).toContain('Downloaded emolane-filter-arousal.csv')
    await page.keyboard.press('Escape')
  })

  test('keyboard: shortcuts toggle curves and open export, Tab reaches the controls', async () => {
    await page.locator('el-timeline .frame').focus()
    const audio = page.locator('el-curve-controls input[name="audio"]')
    const was = await audio.isChecked()
    await page.keyboard.press('Alt+m')
    await expect.poll(() => audio.isChecked()).toBe(!was)
    await page.keyboard.press('Alt+m')
    await page.keyboard.press('e')
    await page.locator('el-export-dialog dialog[open]').waitFor()
    await page.keyboard.press('Escape')
    await page.locator('el-export-dialog dialog[open]').waitFor({ state: 'detached' })
    // Tabbing from the top of the page reaches every curve control with a name.
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur())
    const reached = new Set<string>()
    for (let i = 0; i < 20; i++) {
      await page.keyboard.press('Tab')
      const name = await page.evaluate(() => {
        let el: Element | null = document.activeElement
        while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement
        return el ? el.getAttribute('aria-label') || el.getAttribute('name') || el.textContent?.trim() || el.tagName : ''
      })
      reached.add(name)
    }
    for (const n of ['Smoothing in seconds', 'valence', 'arousal', 'audio', 'lyrics', 'band', 'Zoom in', 'Follow the play head']) expect(reached).toContain(n)
  })

  test('a bridge that goes away and comes back: the panel says so, reconnects and redraws', async () => {
    const panel = page.locator('emolane-panel')
    await bridge.stop()
    await expect.poll(() => panel.getAttribute('data-connection')).toBe('reconnecting')
    await expect.poll(() => page.locator('el-status-bar .conn').textContent()).toContain('Bridge gone')
    // The timeline stays on screen while the bridge is away.
    expect(await points()).toBe(60)
    await screenshot(page, 'panel-fake-bridge-gone')
    held.frames = frames(3, 57, 0.5, () => -0.4).concat(frames(57, 90, 0.5, () => 0.3))
    await bridge.start()
    await expect.poll(() => panel.getAttribute('data-connection'), { timeout: 15_000 }).toBe('open')
    await expect.poll(() => page.locator('el-status-bar .conn').textContent()).toContain('reconnected ×1')
    await expect.poll(points).toBe(held.frames.length)
    expect(await panel.getAttribute('data-snapshots')).toBe('2')
    await screenshot(page, 'panel-fake-reconnected')
  })

  test('no script errors on the page apart from the refused sockets while the bridge was away', () => {
    expect(errors.filter((e) => !/WebSocket connection to .* failed/.test(e))).toEqual([])
  })
})

describe('panel layout (Chromium)', () => {
  test('a narrow side panel stacks the plane under the timeline', async () => {
    const bridge = await new FakeBridge({
      snapshot: () => snapshot({ frames: demoSong().frames, sections: [section('Verse', 0, 20, 0.5)], conflicts: [conflict('Verse', 0, 20)] }),
    }).start()
    const browser = await launchChromium()
    try {
      const page = await browser.newPage({ viewport: { width: 380, height: 900 } })
      await page.goto(bridge.url)
      await page.locator('emolane-panel[data-connection="open"]').waitFor()
      const tl = (await page.locator('el-timeline').boundingBox())!
      const plane = (await page.locator('el-va-plane').boundingBox())!
      expect(plane.y).toBeGreaterThan(tl.y + tl.height - 1)
      expect(tl.width).toBeLessThanOrEqual(380)
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)
      expect(overflow).toBeLessThanOrEqual(0)
      await screenshot(page, 'panel-fake-narrow')
    } finally {
      await browser.close()
      await bridge.stop()
    }
  })
})
