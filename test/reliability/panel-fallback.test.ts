// @vitest-environment happy-dom
/** The panel says when the execution provider the user asked for did not load (the bridge runs on the CPU instead). */
import { afterEach, expect, test } from 'vitest'
import { html } from 'lit'
import '../../panel/el-status-bar.js'
import type { ElStatusBar } from '../../panel/el-status-bar.js'
import { status } from '../panel/feed-fixtures.js'
import { cleanup, fixture, shadow } from '../panel/fixture.js'

afterEach(cleanup)

const connection = { state: 'open' as const, attempt: 0, nextRetryAt: null, lostAt: null, everOpen: true, reconnects: 0, problem: null }

test('the status bar shows a provider fallback next to the device, with the reason on hover', async () => {
  const fallback = 'cuda did not load (cuda: libcudart.so.12: cannot open shared object file); running on cpu'
  const st = status()
  const el = await fixture<ElStatusBar>(html`<el-status-bar .connection=${connection} .status=${{ ...st, model: { ...st.model, requested: 'cuda', fallback } }}></el-status-bar>`)
  const device = shadow(el).querySelector('[data-device]')!
  expect(device.textContent!.replace(/\s+/g, ' ').trim()).toBe('on cpu (cuda did not load)')
  expect(device.getAttribute('title')).toBe(fallback)
  // without a fallback: just the device
  el.status = { ...st, model: { ...st.model, requested: 'auto', fallback: null } }
  await el.updateComplete
  expect(device.textContent!.replace(/\s+/g, ' ').trim()).toBe('on cpu')
})
