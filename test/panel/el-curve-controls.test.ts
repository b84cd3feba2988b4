// @vitest-environment happy-dom
import { afterEach, describe, expect, test } from 'vitest'
import { html } from 'lit'
import '../../panel/el-curve-controls.js'
import type { ElCurveControls } from '../../panel/el-curve-controls.js'
import { DEFAULT_CURVE_SETTINGS } from '../../panel/el-emotion-curve.js'
import { cleanup, fixture, recordEvents, shadow } from './fixture.js'

afterEach(cleanup)

describe('<el-curve-controls>', () => {
  test('ticking "Audio only" sends the new settings', async () => {
    const el = await fixture<ElCurveControls>(html`<el-curve-controls .settings=${DEFAULT_CURVE_SETTINGS}></el-curve-controls>`)
    const stop = recordEvents()
    const box = shadow(el).querySelector<HTMLInputElement>('input[name="audio"]')!
    box.click()
    const events = stop()
    expect(events).toHaveLength(1)
    expect(events[0]).toEqual({ type: 'el-settings-change', detail: { ...DEFAULT_CURVE_SETTINGS, audio: true } })
  })

  test('moving the smoothing slider sends the width in seconds', async () => {
    const el = await fixture<ElCurveControls>(html`<el-curve-controls></el-curve-controls>`)
    const stop = recordEvents()
    const range = shadow(el).querySelector<HTMLInputElement>('input[name="smoothing"]')!
    range.value = '3.5'
    range.dispatchEvent(new Event('input', { bubbles: true }))
    expect(stop().map((e) => (e.detail as { smoothing: number }).smoothing)).toEqual([3.5])
  })

  test('picking a preset sends it; the picker is hidden when the bridge offers none', async () => {
    const el = await fixture<ElCurveControls>(html`<el-curve-controls></el-curve-controls>`)
    expect(shadow(el).querySelector('select')).toBeNull()
    el.presets = ['default', 'detailed', 'live-fast']
    el.preset = 'default'
    await el.updateComplete
    const stop = recordEvents()
    const select = shadow(el).querySelector<HTMLSelectElement>('select')!
    select.value = 'live-fast'
    select.dispatchEvent(new Event('change', { bubbles: true }))
    expect(stop()).toEqual([{ type: 'el-preset-change', detail: { preset: 'live-fast' } }])
  })

  test('setting settings, presets and preset from code fires no event', async () => {
    const stop = recordEvents()
    const el = await fixture<ElCurveControls>(html`<el-curve-controls></el-curve-controls>`)
    el.settings = { ...DEFAULT_CURVE_SETTINGS, smoothing: 4, lyrics: true }
    el.presets = ['default', 'detailed']
    el.preset = 'detailed'
    await el.updateComplete
    expect(shadow(el).querySelector<HTMLInputElement>('input[name="lyrics"]')!.checked).toBe(true)
    expect(shadow(el).querySelector('output')!.textContent).toBe('4 s')
    expect(stop()).toEqual([])
  })

  test('every control has a label a screen reader can read', async () => {
    const el = await fixture<ElCurveControls>(html`<el-curve-controls .presets=${['default']}></el-curve-controls>`)
    for (const c of shadow(el).querySelectorAll('input, select, button')) {
      const named = c.getAttribute('aria-label') || c.closest('label')?.textContent?.trim() || c.textContent?.trim()
      expect(named, c.outerHTML).toBeTruthy()
    }
  })
})
