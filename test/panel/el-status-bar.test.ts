// @vitest-environment happy-dom
import { afterEach, describe, expect, test } from 'vitest'
import { html } from 'lit'
import type { AnalysisPreset } from '../../bridge/analysis/presets.js'
import '../../panel/el-status-bar.js'
import type { ConnectionInfo, ElStatusBar } from '../../panel/el-status-bar.js'
import { cleanup, fixture, recordEvents, shadow } from './fixture.js'
import { status } from './feed-fixtures.js'

afterEach(cleanup)

const conn = (over: Partial<ConnectionInfo>): ConnectionInfo => ({
  state: 'open',
  attempt: 0,
  nextRetryAt: null,
  lostAt: null,
  everOpen: true,
  reconnects: 0,
  problem: null,
  ...over,
})

const preset = (name: string, description = ''): AnalysisPreset => ({
  name,
  description,
  hopSeconds: 0.5,
  smoothingSeconds: 2,
  conflictThreshold: 0.15,
  minSectionSeconds: 8,
  audioPath: 'fast',
})

const text = (el: Element) => shadow(el).textContent!.replace(/\s+/g, ' ')

describe('<el-status-bar>', () => {
  test('shows the model, whether it is trained, the device and that inference keeps up', async () => {
    const el = await fixture<ElStatusBar>(html`<el-status-bar .connection=${conn({})} .status=${status()}></el-status-bar>`)
    expect(text(el)).toContain('Live')
    expect(text(el)).toContain('emolane-wang2025 0.1.0')
    expect(text(el)).toContain('trained')
    expect(text(el)).toContain('on cpu')
    expect(text(el)).toContain('keeping up · 0 pending · 42 ms')
  })

  test("shows the analysis preset in use, not the model's size preset, and follows a preset switch", async () => {
    const st = status({ preset: preset('detailed', 'A reading every 0.25 s.') })
    st.model.preset = 'studio'
    const el = await fixture<ElStatusBar>(html`<el-status-bar .connection=${conn({})} .status=${st}></el-status-bar>`)
    expect(text(el)).toContain('preset detailed')
    expect(text(el)).not.toContain('studio')
    expect(shadow(el).querySelector<HTMLElement>('[data-preset]')!.title).toBe('A reading every 0.25 s.')

    el.status = { ...st, preset: preset('live-fast') }
    await el.updateComplete
    expect(text(el)).toContain('preset live-fast')
  })

  test('a bridge that reports no analysis preset shows none (not the model preset)', async () => {
    const el = await fixture<ElStatusBar>(html`<el-status-bar .connection=${conn({})} .status=${status()}></el-status-bar>`)
    expect(shadow(el).querySelector('[data-preset]')).toBeNull()
    expect(text(el)).not.toContain('preset')
  })

  test('warns about untrained weights and inference falling behind', async () => {
    const st = status({ keepingUp: false, pending: 7, coalesced: 3 })
    st.model.trained = false
    const el = await fixture<ElStatusBar>(html`<el-status-bar .connection=${conn({})} .status=${st}></el-status-bar>`)
    expect(shadow(el).querySelector('.badge.untrained')).not.toBeNull()
    expect(text(el)).toContain('falling behind · 7 pending · 3 skipped')
  })

  test('says the bridge is gone, counts down to the retry, and offers to retry now', async () => {
    const el = await fixture<ElStatusBar>(
      html`<el-status-bar .connection=${conn({ state: 'reconnecting', attempt: 3, lostAt: 1000, nextRetryAt: 14_000 })} .clock=${() => 12_000}></el-status-bar>`,
    )
    expect(text(el)).toContain('Bridge gone for 11 s: retrying in 2 s (attempt 3)')
    expect(shadow(el).querySelector('[role=status]')!.textContent).toBe('Bridge gone, reconnecting')
    const stop = recordEvents()
    shadow(el).querySelector('button')!.click()
    expect(stop().map((e) => e.type)).toEqual(['el-retry-request'])
  })

  test('after a reconnect it says live again and how often it came back', async () => {
    const el = await fixture<ElStatusBar>(html`<el-status-bar .connection=${conn({ reconnects: 2 })}></el-status-bar>`)
    expect(text(el)).toContain('Live (reconnected ×2)')
    expect(shadow(el).querySelector('button')).toBeNull()
  })
})
