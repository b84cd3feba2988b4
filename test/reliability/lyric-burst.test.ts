/** A DAW that sends its whole lyric track line by line must not make the feed resend every line for each one. */
import { afterAll, beforeAll, expect, test } from 'vitest'
import type { Bridge } from '../../bridge/server/bridge.js'
import { FeedClient, startBridge, until } from '../integration/live-helpers.js'

let bridge: Bridge
beforeAll(async () => {
  bridge = await startBridge({ persist: false })
})
afterAll(() => bridge?.close())

test('bug: 1,000 long lyric lines sent one by one made the feed serialise 1 GB of JSON (seconds of blocked event loop); a burst now goes out as a few lyric messages', async () => {
  const feed = await FeedClient.connect(bridge.httpUrl!)
  await until(() => feed.messages.length > 0, 5000, 'the snapshot')
  for (let i = 0; i < 1000; i++) bridge.lyricLine({ start: i, end: i + 0.5, text: `line ${i} `.padEnd(1900, 'la ') })
  await until(() => feed.of('lyrics').some((m) => m.lines.length === 1000), 10_000, 'the whole lyric track on the feed')
  const messages = feed.of('lyrics')
  // the first line at once, then the burst as one message (a slow machine may split it into a few)
  expect(messages.length).toBeLessThanOrEqual(5)
  expect(messages[0]!.lines).toHaveLength(1)
  expect(messages.at(-1)!.lines.map((l) => l.start)).toEqual(Array.from({ length: 1000 }, (_, i) => i))
  // a later single edit still goes out on its own, with every line
  await new Promise((r) => setTimeout(r, 150))
  bridge.lyricLine({ start: 5, end: 5.5, text: 'changed' })
  await until(() => feed.of('lyrics').length === messages.length + 1, 5000, 'the edit')
  expect(feed.of('lyrics').at(-1)!.lines[5]!.text).toBe('changed')
  feed.close()
})
