// @vitest-environment happy-dom
import { afterEach, describe, expect, test } from 'vitest'
import { html } from 'lit'
import '../../panel/el-timeline.js'
import type { ElTimeline } from '../../panel/el-timeline.js'
import { cleanup, fixture, recordEvents, shadow } from './fixture.js'
import { demoSong } from './feed-fixtures.js'

afterEach(cleanup)

const song = demoSong()

async function timeline(clock = () => 0): Promise<ElTimeline> {
  return fixture<ElTimeline>(
    html`<el-timeline
      .frames=${song.frames}
      .sections=${song.sections}
      .conflicts=${song.conflicts}
      .lyrics=${song.lyrics}
      .extent=${60}
      .clock=${clock}
    ></el-timeline>`,
  )
}

const frameEl = (el: ElTimeline) => shadow(el).querySelector<HTMLElement>('.frame')!
const cursor = (el: ElTimeline) => shadow(el).querySelector<HTMLElement>('.cursor')!
const key = (el: ElTimeline, k: string, shiftKey = false) =>
  frameEl(el).dispatchEvent(new KeyboardEvent('keydown', { key: k, shiftKey, bubbles: true, composed: true, cancelable: true }))

/** A wheel event with the MouseEvent fields a browser fills in (happy-dom's WheelEvent lacks them). */
function wheel(init: { deltaX?: number; deltaY?: number; clientX?: number; shiftKey?: boolean; ctrlKey?: boolean }): WheelEvent {
  const ev = new WheelEvent('wheel', { ...init, bubbles: true, cancelable: true })
  for (const [k, v] of Object.entries({ clientX: 0, shiftKey: false, ctrlKey: false, ...init })) Object.defineProperty(ev, k, { value: v })
  return ev
}

describe('<el-timeline>', () => {
  test('the cursor follows a playing transport and the view scrolls to keep it a quarter in', async () => {
    let now = 0
    const el = await timeline(() => now)
    el.transport = { playing: true, time: 40, tempo: 120, receivedAt: 0 }
    now = 5000
    el.tick()
    await el.updateComplete
    expect(cursor(el).dataset.time).toBe('45.00')
    expect(el.view.start).toBeCloseTo(45 - 0.25 * el.view.span)
    expect(cursor(el).style.left).toBe('25.000%')
  })

  test('a seek moves the cursor to the new time', async () => {
    const el = await timeline()
    el.transport = { playing: false, time: 12.5, tempo: 120, receivedAt: 0 }
    el.tick()
    await el.updateComplete
    expect(cursor(el).dataset.time).toBe('12.50')
    el.transport = { playing: false, time: 3, tempo: 120, receivedAt: 0 }
    el.tick()
    await el.updateComplete
    expect(cursor(el).dataset.time).toBe('3.00')
  })

  test('panning with the keyboard stops auto-scroll; F brings it back', async () => {
    let now = 0
    const el = await timeline(() => now)
    el.transport = { playing: true, time: 30, tempo: 120, receivedAt: 0 }
    el.tick()
    const stop = recordEvents()
    key(el, 'ArrowLeft')
    expect(el.follow).toBe(false)
    const parked = el.view.start
    now = 4000
    el.tick()
    expect(el.view.start).toBe(parked)
    key(el, 'f')
    expect(el.follow).toBe(true)
    el.tick()
    expect(el.view.start).toBeCloseTo(34 - 0.25 * el.view.span)
    expect(stop().map((e) => [e.type, (e.detail as { follow: boolean }).follow])).toEqual([
      ['el-view-change', false],
      ['el-view-change', true],
    ])
  })

  test('+ and − zoom, 0 shows the whole song', async () => {
    const el = await timeline()
    const span = el.view.span
    key(el, '+')
    expect(el.view.span).toBeCloseTo(span / 1.5)
    key(el, '-')
    key(el, '-')
    expect(el.view.span).toBeCloseTo(span * 1.5)
    key(el, '0')
    expect(el.view.start).toBe(0)
    expect(el.view.span).toBeGreaterThanOrEqual(60)
    expect(el.follow).toBe(false)
  })

  test('the mouse wheel zooms around the pointer; shift+wheel and sideways swipes pan', async () => {
    const el = await timeline()
    el.follow = false
    el.view = { start: 0, span: 40 }
    await el.updateComplete
    frameEl(el).getBoundingClientRect = () => ({ left: 0, top: 0, width: 400, height: 200, right: 400, bottom: 200, x: 0, y: 0, toJSON() {} }) as DOMRect
    // Pointer at x=300 of 400 is song time 30; zooming in keeps 30 under the pointer.
    frameEl(el).dispatchEvent(wheel({ deltaY: -120, clientX: 300 }))
    expect(el.view.span).toBeLessThan(40)
    expect(el.view.start + 0.75 * el.view.span).toBeCloseTo(30)
    const { start, span } = el.view
    frameEl(el).dispatchEvent(wheel({ deltaX: 100, deltaY: 0 }))
    expect(el.view.start).toBeCloseTo(start + (100 / 400) * span)
    frameEl(el).dispatchEvent(wheel({ deltaY: -100, shiftKey: true }))
    expect(el.view.start).toBeCloseTo(start)
  })

  test('the timeline and its buttons can be reached and named from the keyboard', async () => {
    const el = await timeline()
    expect(frameEl(el).getAttribute('tabindex')).toBe('0')
    expect(frameEl(el).getAttribute('aria-label')).toMatch(/Arrow keys pan/)
    const names = [...shadow(el).querySelectorAll('button')].map((b) => b.getAttribute('aria-label'))
    expect(names).toEqual(['Zoom out', 'Zoom in', 'Show the whole song', 'Follow the play head'])
  })

  test('setting view, follow and transport from code fires no event', async () => {
    const stop = recordEvents()
    const el = await timeline()
    el.view = { start: 10, span: 20 }
    el.follow = false
    el.transport = { playing: true, time: 15, tempo: null, receivedAt: 0 }
    el.tick()
    await el.updateComplete
    expect(stop()).toEqual([])
  })
})
