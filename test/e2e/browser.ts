/** Launches the system Chromium headless for panel tests, and saves screenshots as test artifacts. */
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { chromium, type Browser, type BrowserContextOptions, type Page } from 'playwright-core'

/** Where test screenshots go (git-ignored). */
export const ARTIFACTS = 'test-artifacts'

/** Chromium from EMOLANE_CHROMIUM or /usr/bin/chromium, headless, without network side traffic. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.EMOLANE_CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  })
}

/** Saves a screenshot of `page` to test-artifacts/<name>.png. */
export async function screenshot(page: Page, name: string, opts: { fullPage?: boolean } = {}): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true })
  const path = join(ARTIFACTS, `${name}.png`)
  await page.screenshot({ path, ...opts })
  return path
}

/** Fails the test on any page error or console error (a broken bundle, a CSP or script error). */
export function collectPageErrors(page: Page): string[] {
  const errors: string[] = []
  page.on('pageerror', (err) => errors.push(err.message))
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(msg.text())
  })
  return errors
}

/** A Chromium page on the panel at `url`, open once its feed connects, with its page errors collected. */
export async function openPanel(url: string, context: BrowserContextOptions): Promise<{ browser: Browser; page: Page; errors: string[] }> {
  const browser = await launchChromium()
  const page = await (await browser.newContext(context)).newPage()
  const errors = collectPageErrors(page)
  await page.goto(url)
  await page.locator('emolane-panel[data-connection="open"]').waitFor()
  return { browser, page, errors }
}
