/**
 * Frame-rate benchmark of the panel on a 10-minute song while the transport plays and frames stream in
 * (runs with EMOLANE_BENCH=1: `npm run bench:panel`). Writes test-artifacts/panel-frame-rate.json;
 * asserts only that the measurement happened, since speed goals belong in benchmarks.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { describe, expect, test } from 'vitest'
import { conflict, frames, line, section, snapshot, status } from '../panel/feed-fixtures.js'
import { ARTIFACTS, launchChromium } from './browser.js'
import { FakeBridge } from './fake-bridge.js'

const SONG = 600
const SECONDS = 5

type Run = { view: string; fps: number; p50FrameMs: number; p95FrameMs: number; p95DrawMs: number; draws: number; drawnPoints: number }

describe.runIf(process.env.EMOLANE_BENCH === '1')('panel frame rate (benchmark)', () => {
  test('a 10-minute song, playing, with every curve shown', async () => {
    const song = frames(0, SONG, 0.5, (t) => Math.sin(t / 17), (t) => Math.cos(t / 23))
    const sections = Array.from({ length: 20 }, (_, i) => section(`Part ${i + 1}`, i * 30, i * 30 + 30, Math.sin(i)))
    const lyrics = Array.from({ length: 150 }, (_, i) => line(i * 4, i * 4 + 3.5, `line ${i} with a few words of text here`))
    const live = frames(SONG, SONG + 60, 0.5, () => 0.2)
    const bridge = await new FakeBridge({
      snapshot: () =>
        snapshot({ frames: song, sections, conflicts: [conflict('Part 3', 60, 90), conflict('Part 9', 240, 270)], lyrics }, status({ transport: { playing: true, time: 100, tempo: 120 } })),
    }).start()
    const browser = await launchChromium()
    const runs: Run[] = []
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 } })
      await page.addInitScript(() =>
        localStorage.setItem('emolane.panel.settings', JSON.stringify({ smoothing: 2, valence: true, arousal: true, audio: true, lyrics: true, band: true })),
      )
      await page.goto(bridge.url)
      await page.locator('emolane-panel[data-connection="open"]').waitFor()
      for (const view of ['following, 30 s in view', 'whole song in view']) {
        if (view === 'whole song in view') {
          await page.locator('el-timeline .frame').focus()
          await page.keyboard.press('0')
        }
        // Stream live frames at twice real time during the measurement.
        let i = 0
        const feeder = setInterval(() => bridge.send({ type: 'frames', frames: live.slice(i, (i += 2)) }), 500)
        const run = await page.evaluate(async (seconds) => {
          const panel = document.querySelector('emolane-panel')!
          const curve = panel.shadowRoot!.querySelector('el-timeline')!.shadowRoot!.querySelector('el-emotion-curve') as HTMLElement & { draw(): void; draws: number }
          const drawMs: number[] = []
          const draw = curve.draw.bind(curve)
          curve.draw = () => {
            const t0 = performance.now()
            draw()
            drawMs.push(performance.now() - t0)
          }
          const stamps: number[] = []
          const startDraws = curve.draws
          await new Promise<void>((resolve) => {
            const t0 = performance.now()
            const tick = (t: number) => {
              stamps.push(t)
              if (t - t0 < seconds * 1000) requestAnimationFrame(tick)
              else resolve()
            }
            requestAnimationFrame(tick)
          })
          const gaps = stamps.slice(1).map((t, k) => t - stamps[k]!).sort((a, b) => a - b)
          const q = (xs: number[], p: number) => (xs.length ? xs[Math.min(xs.length - 1, Math.floor(p * xs.length))]! : NaN)
          drawMs.sort((a, b) => a - b)
          return {
            fps: (stamps.length - 1) / seconds,
            p50FrameMs: q(gaps, 0.5),
            p95FrameMs: q(gaps, 0.95),
            p95DrawMs: q(drawMs, 0.95),
            draws: curve.draws - startDraws,
            drawnPoints: Number(curve.dataset.drawn),
          }
        }, SECONDS)
        clearInterval(feeder)
        runs.push({ view, ...run })
      }
    } finally {
      await browser.close()
      await bridge.stop()
    }
    mkdirSync(ARTIFACTS, { recursive: true })
    const report = { song: `${SONG} s, ${SONG * 2} frames, 20 sections, 150 lyric lines, all curves`, chromium: 'headless, --disable-gpu', runs }
    writeFileSync(`${ARTIFACTS}/panel-frame-rate.json`, JSON.stringify(report, null, 2))
    console.log(JSON.stringify(report, null, 2))
    expect(runs).toHaveLength(2)
    for (const r of runs) expect(r.draws).toBeGreaterThan(0)
  })
})
