/**
 * The panel works offline: served by a real bridge (`emolane serve`) and used for a few seconds in
 * headless Chromium, it asks nothing of any origin but the bridge's own: no CDN script, font or style.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { Browser } from 'playwright-core'
import { collectPageErrors, launchChromium } from './browser.js'
import { freeTcpPort, freeUdpPort, runStream, startServe, type ServeProcess } from './real-bridge.js'

/** A request the page (or a worker of it) made: what kind, and its URL. */
type Seen = { type: string; url: string }

describe('panel offline from the bridge (Chromium)', () => {
  let browser: Browser
  let serve: ServeProcess
  let dataDir: string
  let oscPort: number

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'emolane-panel-offline-'))
    let httpPort: number
    ;[httpPort, oscPort] = await Promise.all([freeTcpPort(), freeUdpPort()])
    serve = await startServe({ httpPort, oscPort, dataDir, extra: ['--no-persist'] })
    browser = await launchChromium()
  })

  afterAll(async () => {
    await browser?.close()
    await serve?.stop()
    if (dataDir) rmSync(dataDir, { recursive: true, force: true })
  })

  test('loading and using the panel requests nothing from any origin but the bridge', async () => {
    const origin = new URL(serve.url).origin
    const context = await browser.newContext({ viewport: { width: 1100, height: 640 } })
    const requests: Seen[] = []
    const sockets: string[] = []
    context.on('request', (req) => requests.push({ type: req.resourceType(), url: req.url() }))
    const page = await context.newPage()
    page.on('websocket', (ws) => sockets.push(ws.url()))
    const errors = collectPageErrors(page)

    await page.goto(serve.url)
    await page.locator('emolane-panel[data-connection="open"]').waitFor()
    // Use it: a few seconds of the example song streamed in, then zoom, fit, follow, the export dialog.
    await runStream(['examples/demo-song.mp3', '--lyrics', 'examples/demo-song.lrc', '--to', `udp://127.0.0.1:${oscPort}`, '--until', '8', '--speed', '4', '--quiet'])
    await expect.poll(async () => Number(await page.locator('el-emotion-curve').getAttribute('data-points')), { timeout: 20_000 }).toBeGreaterThan(0)
    await page.locator('el-timeline .frame').focus()
    for (const key of ['+', '+', '0', 'f', 'ArrowLeft']) await page.keyboard.press(key)
    await page.locator('el-curve-controls button', { hasText: 'Export' }).click()
    await page.locator('el-export-dialog dialog[open]').waitFor()
    await page.locator('el-export-dialog select[name="to"]').selectOption('csv')
    await page.keyboard.press('Escape')
    await page.waitForTimeout(2_000)
    const loaded = await page.evaluate(() => ({
      resources: performance.getEntriesByType('resource').map((e) => e.name),
      fonts: [...document.fonts].map((f) => `${f.family} ${f.status}`),
    }))
    await context.close()

    // The recording saw the panel load: its page, its bundle, its API calls and its feed.
    expect(requests.map((r) => r.url)).toContain(serve.url)
    const scripts = requests.filter((r) => r.type === 'script')
    expect(scripts.map((r) => new URL(r.url).pathname)).toContain('/panel.js')
    expect(requests.some((r) => new URL(r.url).pathname.startsWith('/api/'))).toBe(true)
    expect(sockets.length).toBeGreaterThan(0)

    // Nothing went anywhere else: no CDN script, style or font, no analytics, no socket elsewhere.
    const elsewhere = requests.filter((r) => !r.url.startsWith('data:') && new URL(r.url).origin !== origin)
    expect(elsewhere).toEqual([])
    expect(requests.filter((r) => r.type === 'font' || r.type === 'stylesheet').filter((r) => !r.url.startsWith(`${origin}/`))).toEqual([])
    expect(loaded.resources.filter((u) => !u.startsWith(`${origin}/`))).toEqual([])
    expect(loaded.fonts).toEqual([]) // no web fonts at all: the panel uses the system's
    expect(sockets.filter((u) => new URL(u).host !== new URL(origin).host)).toEqual([])
    expect(errors.filter((e) => !/status of 404/.test(e))).toEqual([])
  })
})
