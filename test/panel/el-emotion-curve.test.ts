/**
 * <el-emotion-curve> in real Chromium (a canvas needs a real browser): reads back pixels to check that
 * polarity shows as colour, confidence as band width, and that only the visible stretch is drawn.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import type { Frame } from '../../bridge/analysis/types.js'
import { launchChromium } from '../e2e/browser.js'
import { FakeBridge } from '../e2e/fake-bridge.js'
import { frames, reading, snapshot } from './feed-fixtures.js'

const W = 600
const H = 200
/** Canvas row of a value, as curve-draw.ts lays it out (16 px top, 6 px bottom padding). */
const rowOf = (v: number) => Math.round(16 + ((1 - v) / 2) * (H - 22))
const colOf = (t: number, start = 0, span = 60) => Math.round(((t - start) / span) * W)

type Settings = { smoothing: number; valence: boolean; arousal: boolean; audio: boolean; lyrics: boolean; band: boolean }
const SETTINGS: Settings = { smoothing: 0, valence: true, arousal: false, audio: false, lyrics: false, band: true }

describe('<el-emotion-curve> in Chromium', () => {
  let browser: Browser
  let page: Page
  let bridge: FakeBridge

  beforeAll(async () => {
    // Served by the fake bridge only to load the built bundle; the feed stays empty.
    bridge = await new FakeBridge({ snapshot: () => snapshot() }).start()
    browser = await launchChromium()
    page = await browser.newPage({ viewport: { width: 900, height: 600 }, deviceScaleFactor: 1 })
    await page.goto(bridge.url)
    await page.waitForFunction(() => customElements.get('el-emotion-curve') !== undefined)
  })

  afterAll(async () => {
    await browser?.close()
    await bridge?.stop()
  })

  /** Mounts a fresh curve with these frames, view and settings; resolves once it has drawn. */
  async function mount(fs: Frame[], view: { start: number; span: number }, settings: Settings): Promise<void> {
    await page.evaluate(
      async ({ fs, view, settings, W, H }) => {
        document.querySelector('#probe')?.remove()
        const el = document.createElement('el-emotion-curve') as unknown as HTMLElement & Record<string, unknown>
        el.id = 'probe'
        el.style.cssText = `position:fixed;left:0;top:0;width:${W}px;height:${H}px;background:#000;z-index:10`
        Object.assign(el, { frames: fs, view, settings, hop: 0.5 })
        document.body.append(el)
        await (el as unknown as { updateComplete: Promise<unknown> }).updateComplete
        await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))
      },
      { fs, view, settings, W, H },
    )
  }

  /** RGBA of the canvas pixel at (x, y). */
  const pixel = (x: number, y: number) =>
    page.evaluate(
      ({ x, y }) => {
        const canvas = document.querySelector('#probe')!.shadowRoot!.querySelector('canvas')!
        return [...canvas.getContext('2d')!.getImageData(x, y, 1, 1).data]
      },
      { x, y },
    )

  /** How many pixels of column x are painted (alpha > 0) between rows y0 and y1. */
  const paintedRun = (x: number, y0: number, y1: number) =>
    page.evaluate(
      ({ x, y0, y1 }) => {
        const canvas = document.querySelector('#probe')!.shadowRoot!.querySelector('canvas')!
        const data = canvas.getContext('2d')!.getImageData(x, y0, 1, y1 - y0).data
        let n = 0
        for (let i = 3; i < data.length; i += 4) if (data[i]! > 40) n++
        return n
      },
      { x, y0, y1 },
    )

  /** The most opaque pixel within 2 rows of (x, y): a 2 px line is anti-aliased over its neighbours. */
  const strongest = async (x: number, y: number) => {
    let best = [0, 0, 0, 0]
    for (let dy = -2; dy <= 2; dy++) {
      const p = await pixel(x, y + dy)
      if (p[3]! > best[3]!) best = p
    }
    return best
  }

  const near = (rgba: number[], rgb: [number, number, number]) => Math.hypot(rgba[0]! - rgb[0], rgba[1]! - rgb[1], rgba[2]! - rgb[2]) < 40 && rgba[3]! > 200

  test('positive stretches are drawn orange and negative ones sky blue', async () => {
    await mount(frames(0, 60, 0.5, (t) => (t < 30 ? 0.6 : -0.6)), { start: 0, span: 60 }, { ...SETTINGS, band: false })
    expect(near(await strongest(colOf(15), rowOf(0.6)), [230, 159, 0])).toBe(true)
    expect(near(await strongest(colOf(45), rowOf(-0.6)), [86, 180, 233])).toBe(true)
    // Nothing is drawn where the curve is not.
    expect((await strongest(colOf(15), rowOf(-0.6)))[3]).toBe(0)
  })

  test('the band is wider where the model is surer', async () => {
    const fs = frames(0, 60, 0.5, () => 0).map((f) => ({ ...f, confidence: f.t < 30 ? 0.1 : 0.9 }))
    await mount(fs, { start: 0, span: 60 }, SETTINGS)
    const unsure = await paintedRun(colOf(15), rowOf(0.5), rowOf(-0.5))
    const sure = await paintedRun(colOf(45), rowOf(0.5), rowOf(-0.5))
    // Half-widths 0.03 + 0.17 c in valence units: 0.047 vs 0.183, about 4x.
    expect(sure).toBeGreaterThan(unsure * 2.5)
  })

  test('the audio-only curve appears only when asked for', async () => {
    const fs = frames(0, 60, 0.5, () => 0.6).map((f) => ({ ...f, audio: reading(-0.7) }))
    await mount(fs, { start: 0, span: 60 }, { ...SETTINGS, band: false })
    const row = rowOf(-0.7)
    const paintedAt = () =>
      page.evaluate((row) => {
        const canvas = document.querySelector('#probe')!.shadowRoot!.querySelector('canvas')!
        const data = canvas.getContext('2d')!.getImageData(100, row, 400, 1).data
        let n = 0
        for (let i = 3; i < data.length; i += 4) if (data[i]! > 100) n++
        return n
      }, row)
    expect(await paintedAt()).toBe(0)
    await mount(fs, { start: 0, span: 60 }, { ...SETTINGS, band: false, audio: true })
    expect(await paintedAt()).toBeGreaterThan(120) // dashes: about 7 px on, 4 off
  })

  test('a 10-minute song zoomed to 30 s draws only the points in view', async () => {
    const song = frames(0, 600, 0.5, (t) => Math.sin(t / 20))
    await mount(song, { start: 300, span: 30 }, SETTINGS)
    const drawn = await page.evaluate(() => {
      const el = document.querySelector<HTMLElement>('#probe')!
      return { points: Number(el.dataset.points), drawn: Number(el.dataset.drawn) }
    })
    expect(drawn.points).toBe(1200)
    expect(drawn.drawn).toBeGreaterThanOrEqual(60)
    expect(drawn.drawn).toBeLessThanOrEqual(63)
  })

  test('frames further apart than a few hops are drawn with a gap, not bridged', async () => {
    const fs = [...frames(0, 20, 0.5, () => 0.6), ...frames(40, 60, 0.5, () => 0.6)]
    await mount(fs, { start: 0, span: 60 }, { ...SETTINGS, band: false })
    // Columns between the time-grid lines (every 10 s here).
    expect((await strongest(colOf(12), rowOf(0.6)))[3]).toBeGreaterThan(200)
    expect((await strongest(colOf(31), rowOf(0.6)))[3]).toBe(0)
  })
})
