/**
 * Hostile text from the DAW, end to end in a real browser: lyric lines, section names and an OSC
 * address written as HTML and script reach the real bridge over OSC/UDP, and the built panel in
 * headless Chromium shows each as text: the exact characters are on screen, no element or handler
 * they describe exists anywhere in the page (shadow roots included), and none of their script ran.
 */
import { createSocket } from 'node:dgram'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { encodeOsc } from '../../bridge/server/osc-codec.js'
import { playInto } from '../../bridge/stream/file-player.js'
import { openTarget } from '../../bridge/stream/stream-target.js'
import { collectPageErrors, launchChromium } from '../e2e/browser.js'
import { freeTcpPort, freeUdpPort, startServe, type ServeProcess } from '../e2e/real-bridge.js'
import { demoClip } from '../integration/live-helpers.js'

/** Each would run script or add an element if it were rendered as HTML (or as a template). */
const HOSTILE_LYRICS = [
  '<script>window.__pwned = 1</script>',
  '<img src=x onerror="window.__pwned = 2">',
  '"><svg onload="window.__pwned = 3">',
  '</div><iframe srcdoc="<script>parent.__pwned = 4</script>"></iframe>',
  '<a href="javascript:window.__pwned = 5">click</a> &lt;b&gt; &amp;',
  '${window.__pwned = 6} {{constructor.constructor("window.__pwned = 7")()}}',
  "<style>*{display:none}</style>' onmouseover='window.__pwned = 8",
]
const HOSTILE_SECTIONS = ['<b onmouseover="window.__pwned = 9">Verse</b>', '<img src=y onerror=window.__pwned=10>']
const HOSTILE_ADDRESS = '/emolane/<img src=z onerror=window.__pwned=11>'

describe('hostile lyric text in the real panel, from the real bridge (Chromium)', () => {
  let browser: Browser
  let page: Page
  let serve: ServeProcess
  let dataDir: string
  let errors: string[]
  /** Paths the page asked for and did not get: an injected <img src=x> would show here. */
  const missing: string[] = []

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'emolane-escaping-'))
    const [httpPort, oscPort] = await Promise.all([freeTcpPort(), freeUdpPort()])
    serve = await startServe({ httpPort, oscPort, dataDir, extra: ['--device', 'cpu'] })
    const clip = await demoClip(12, 16000)
    const lyrics = HOSTILE_LYRICS.map((text, i) => ({ start: 0.2 + i * 1.6, end: 1.6 + i * 1.6, text }))
    const sections = [
      { start: 0, end: 6, name: HOSTILE_SECTIONS[0]!, source: 'daw' as const },
      { start: 6, end: 12, name: HOSTILE_SECTIONS[1]!, source: 'daw' as const },
    ]
    const target = await openTarget(`udp://127.0.0.1:${oscPort}`)
    await playInto(target, { ...clip, lyrics, sections }, { speed: 16, blockMs: 100, channels: 1 })
    await target.close()
    browser = await launchChromium()
    page = await (await browser.newContext({ viewport: { width: 1200, height: 700 } })).newPage()
    errors = collectPageErrors(page)
    page.on('response', (r) => {
      if (r.status() >= 400) missing.push(new URL(r.url()).pathname)
    })
    await page.goto(serve.url)
    await page.locator('emolane-panel[data-connection="open"]').waitFor()
    // an unknown address that is HTML: its error, quoting it, reaches the status bar
    const udp = createSocket('udp4')
    await new Promise<void>((r) => udp.send(encodeOsc(HOSTILE_ADDRESS, [1]), oscPort, '127.0.0.1', () => r()))
    udp.close()
  }, 120_000)

  afterAll(async () => {
    await browser?.close()
    await serve?.stop()
    if (dataDir) rmSync(dataDir, { recursive: true, force: true })
  })

  /** Every element in the page, shadow roots included: tag names and attribute names. */
  const allElements = () =>
    page.evaluate(() => {
      const out: { tag: string; attrs: Record<string, string>; text: string }[] = []
      const walk = (root: Document | ShadowRoot): void => {
        for (const el of root.querySelectorAll('*')) {
          out.push({ tag: el.tagName.toLowerCase(), attrs: Object.fromEntries(el.getAttributeNames().map((n) => [n, el.getAttribute(n)!])), text: el.tagName === 'STYLE' || el.tagName === 'SCRIPT' ? el.textContent ?? '' : '' })
          if (el.shadowRoot) walk(el.shadowRoot)
        }
      }
      walk(document)
      return out
    })

  test('every lyric line shows its characters exactly, as text', async () => {
    await page.locator('el-timeline .frame').focus()
    await page.keyboard.press('0') // the whole song in view
    const lane = page.locator('el-lyric-lane .line')
    await expect.poll(() => lane.count(), { timeout: 20_000 }).toBe(HOSTILE_LYRICS.length)
    const shown = (await lane.allTextContents()).map((t) => t.replace(/\s+/g, ' ').trim())
    expect(shown).toEqual(HOSTILE_LYRICS.map((t) => t.replace(/\s+/g, ' ').trim()))
  })

  test('section names show as text', async () => {
    const names = page.locator('el-section-strip .section')
    await expect.poll(() => names.count(), { timeout: 20_000 }).toBe(2)
    const shown = await page.evaluate(() => {
      const timeline = document.querySelector('emolane-panel')!.shadowRoot!.querySelector('el-timeline')!
      const strip = timeline.shadowRoot!.querySelector('el-section-strip')!
      return [...strip.shadowRoot!.querySelectorAll<HTMLElement>('.section')].map((el) => el.dataset.section)
    })
    expect(shown).toEqual(HOSTILE_SECTIONS)
  })

  test('the bridge error quoting an HTML address shows as text in the status bar', async () => {
    const bar = page.locator('el-status-bar .problem')
    await expect.poll(async () => (await bar.allTextContents()).join(' '), { timeout: 10_000 }).toContain('<img src=z onerror=window.__pwned=11>')
  })

  test('no element or handler the text describes exists, and none of its script ran', async () => {
    const elements = await allElements()
    // the page's own: one module script (the panel bundle), no images, frames or links
    expect(elements.filter((e) => e.tag === 'script')).toEqual([{ tag: 'script', attrs: { type: 'module', src: expect.stringMatching(/panel\.js$/) }, text: '' }])
    for (const tag of ['img', 'iframe', 'a']) expect(elements.filter((e) => e.tag === tag), tag).toEqual([])
    expect(elements.filter((e) => Object.keys(e.attrs).some((a) => /^on|^srcdoc$/i.test(a)))).toEqual([])
    expect(elements.filter((e) => e.tag === 'style' && e.text.includes('display:none'))).toEqual([])
    expect(elements.filter((e) => Object.values(e.attrs).some((v) => /__pwned/.test(v) && !/^(title|aria-label|data-section|data-conflict)$/.test(Object.keys(e.attrs).find((k) => e.attrs[k] === v)!)))).toEqual([])
    expect(await page.evaluate(() => (window as { __pwned?: number }).__pwned)).toBeUndefined()
    // hover and click over every lyric, as a user would
    for (const line of await page.locator('el-lyric-lane .line').all()) {
      await line.hover()
      await line.click()
    }
    expect(await page.evaluate(() => (window as { __pwned?: number }).__pwned)).toBeUndefined()
    // the only misses are the browser's favicon and the panel probing for preset switching: nothing asked for x, y or z
    expect(missing.filter((p) => p !== '/favicon.ico' && p !== '/api/presets')).toEqual([])
    expect(errors.filter((e) => !/404 \(Not Found\)/.test(e))).toEqual([])
    expect(errors.length).toBe(missing.length)
  })
})
