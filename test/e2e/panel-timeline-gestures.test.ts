/**
 * The timeline's mouse and trackpad gestures in real headless Chromium (happy-dom has no layout, pointer
 * capture or browser-made wheel events): drag to pan, pinch (ctrl+wheel) to zoom around the pointer,
 * two-finger sideways swipe (wheel deltaX) to pan. Asserts on el-timeline's `view` and `follow`, the
 * state everything on the timeline is drawn from, against the built panel and a fake feed.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import type { Seconds } from '../../bridge/analysis/types.js'
import type { ViewWindow } from '../../panel/view-window.js'
import { demoSong, snapshot, status } from '../panel/feed-fixtures.js'
import { openPanel } from './browser.js'
import { FakeBridge } from './fake-bridge.js'

/** el-timeline's view and follow flag, and where its content box lies on the page (CSS px). */
type TimelineState = { view: ViewWindow; follow: boolean; left: number; width: number; top: number; height: number }

describe('timeline gestures (Chromium)', () => {
  let browser: Browser
  let page: Page
  let bridge: FakeBridge
  let errors: string[]

  beforeAll(async () => {
    bridge = await new FakeBridge({ snapshot: () => snapshot(demoSong(), status()) }).start()
    ;({ browser, page, errors } = await openPanel(bridge.url, { viewport: { width: 1200, height: 720 } }))
    // A stopped transport at 30 s: the following view parks the play head a quarter in and stays still.
    bridge.send({ type: 'transport', state: { playing: false, time: 30, tempo: 120 } })
    await page.locator('el-timeline .cursor[data-time="30.00"]').waitFor({ state: 'attached' })
  })

  afterAll(async () => {
    await browser?.close()
    await bridge?.stop()
  })

  const timeline = (): Promise<TimelineState> =>
    page.evaluate(() => {
      const el = document.querySelector('emolane-panel')!.shadowRoot!.querySelector('el-timeline')!
      const frame = el.shadowRoot!.querySelector<HTMLElement>('.frame')!
      const r = frame.getBoundingClientRect()
      // The lanes and the cursor fill the frame's content box (inside its border).
      return { view: { ...el.view }, follow: el.follow, left: r.left + frame.clientLeft, width: frame.clientWidth, top: r.top, height: r.height }
    })
  /** Song time under page x, as the lanes draw it. */
  const timeAt = (s: TimelineState, x: number): Seconds => s.view.start + ((x - s.left) / s.width) * s.view.span
  /** Asserts two song times lie within `px` screen pixels of each other in view `s`. */
  const expectWithinPx = (actual: Seconds, expected: Seconds, s: TimelineState, px = 1.5) =>
    expect(Math.abs(actual - expected), `${actual} s vs ${expected} s`).toBeLessThanOrEqual((px * s.view.span) / s.width)
  /** A point over the emotion curve (no buttons there), `frac` of the way across. */
  const overCurve = async (frac: number) => {
    const box = (await page.locator('el-emotion-curve').boundingBox())!
    return { x: box.x + frac * box.width, y: box.y + box.height / 2 }
  }
  /** Records the next wheel events as the page received them (Chromium may scale what the test sent). */
  const recordWheels = () =>
    page.evaluate(() => {
      const w = window as { __wheels?: { deltaX: number; deltaY: number; deltaMode: number; ctrlKey: boolean; defaultPrevented: boolean }[] }
      // Bubble phase on window: runs after the timeline's own handler, so defaultPrevented is its verdict.
      if (!w.__wheels) window.addEventListener('wheel', (ev) => w.__wheels!.push({ deltaX: ev.deltaX, deltaY: ev.deltaY, deltaMode: ev.deltaMode, ctrlKey: ev.ctrlKey, defaultPrevented: ev.defaultPrevented }))
      w.__wheels = []
    })
  const wheels = () => page.evaluate(() => (window as { __wheels?: { deltaX: number; deltaY: number; deltaMode: number; ctrlKey: boolean; defaultPrevented: boolean }[] }).__wheels ?? [])

  test('a mouse drag pans the view by the dragged song time and stops following the transport', async () => {
    const before = await timeline()
    expect(before.follow).toBe(true)
    expect(before.view.start).toBeCloseTo(30 - 0.25 * before.view.span, 2)
    const from = await overCurve(0.75)
    const to = { x: from.x - 240, y: from.y + 10 }
    const grabbed = timeAt(before, from.x)
    await page.mouse.move(from.x, from.y)
    await page.mouse.down()
    await page.mouse.move(to.x, to.y, { steps: 8 })
    await page.mouse.up()
    const after = await timeline()
    // The song time grabbed stays under the pointer: the view moved later by 240 px worth of song time.
    expectWithinPx(timeAt(after, to.x), grabbed, after)
    expectWithinPx(after.view.start - before.view.start, (240 / before.width) * before.view.span, after)
    expect(after.view.span).toBe(before.view.span)
    expect(after.follow).toBe(false)
    expect(await page.locator('el-timeline').getAttribute('follow')).toBeNull()
    expect(await page.locator('el-timeline button[aria-label="Follow the play head"]').getAttribute('aria-pressed')).toBe('false')
    // The transport runs on; the cursor moves but the view stays where the user left it.
    bridge.send({ type: 'transport', state: { playing: true, time: 30, tempo: 120 } })
    const cursor = page.locator('el-timeline .cursor')
    await expect.poll(async () => Number(await cursor.getAttribute('data-time'))).toBeGreaterThan(30.3)
    expect((await timeline()).view).toEqual(after.view)
    bridge.send({ type: 'transport', state: { playing: false, time: 30, tempo: 120 } })
    await expect.poll(() => cursor.getAttribute('data-time')).toBe('30.00')
  })

  test('pinch (ctrl+wheel) zooms around the pointer: the song time under it stays, the span shrinks and grows', async () => {
    const before = await timeline()
    expect(before.follow).toBe(false) // left off by the drag
    const at = await overCurve(0.6)
    const anchor = timeAt(before, at.x)
    const zoom = () => page.evaluate(() => [window.devicePixelRatio, window.visualViewport?.scale ?? 1])
    const pageZoom = await zoom()
    await recordWheels()
    await page.mouse.move(at.x, at.y)
    await page.keyboard.down('Control')
    try {
      // Fingers apart: zoom in.
      await page.mouse.wheel(0, -30)
      await page.mouse.wheel(0, -30)
      await expect.poll(async () => (await timeline()).view.span).toBeLessThan(before.view.span * 0.6)
      const zoomedIn = await timeline()
      expectWithinPx(timeAt(zoomedIn, at.x), anchor, zoomedIn)
      // Fingers together: zoom out again, further than where it started.
      for (let i = 0; i < 3; i++) await page.mouse.wheel(0, 30)
      await expect.poll(async () => (await timeline()).view.span).toBeGreaterThan(before.view.span)
      const zoomedOut = await timeline()
      expectWithinPx(timeAt(zoomedOut, at.x), anchor, zoomedOut)
    } finally {
      await page.keyboard.up('Control')
    }
    const seen = await wheels()
    expect(seen).toHaveLength(5)
    expect(seen.every((w) => w.ctrlKey && w.defaultPrevented)).toBe(true)
    // The timeline took the pinch: the browser did not zoom the page.
    expect(await zoom()).toEqual(pageZoom)
    expect((await timeline()).follow).toBe(false)
  })

  test('a two-finger sideways swipe (wheel deltaX) pans the view by the swiped distance', async () => {
    const before = await timeline()
    const at = await overCurve(0.5)
    await page.mouse.move(at.x, at.y)
    await recordWheels()
    await page.mouse.wheel(-150, 0)
    await expect.poll(async () => (await timeline()).view.start).toBeLessThan(before.view.start)
    const seen = await wheels()
    expect(seen).toHaveLength(1)
    expect(seen[0]!.defaultPrevented).toBe(true)
    const px = seen[0]!.deltaX * (seen[0]!.deltaMode === 1 ? 16 : 1)
    expect(px).toBeLessThan(0)
    const after = await timeline()
    // The view moved by as much song time as the swipe's distance covers on screen.
    expectWithinPx(after.view.start - before.view.start, (px / before.width) * before.view.span, after)
    expect(after.view.span).toBe(before.view.span)
    // Swiping back the other way pans back.
    await page.mouse.wheel(150, 0)
    await expect.poll(async () => (await timeline()).view.start).toBeCloseTo(before.view.start, 2)
  })

  test('pinch while following zooms around the play head and keeps following', async () => {
    await page.locator('el-timeline button[aria-label="Follow the play head"]').click()
    await expect.poll(() => page.locator('el-timeline').getAttribute('follow')).toBe('')
    const before = await timeline()
    const at = await overCurve(0.8)
    await page.mouse.move(at.x, at.y)
    await page.keyboard.down('Control')
    try {
      await page.mouse.wheel(0, -30)
    } finally {
      await page.keyboard.up('Control')
    }
    await expect.poll(async () => (await timeline()).view.span).toBeLessThan(before.view.span)
    const after = await timeline()
    expect(after.follow).toBe(true)
    expect(after.view.start).toBeCloseTo(30 - 0.25 * after.view.span, 2)
    expect(await page.locator('el-timeline .cursor').getAttribute('style')).toBe('left:25.000%')
  })

  test('no script errors on the page', () => {
    expect(errors).toEqual([])
  })
})
