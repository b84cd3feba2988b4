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
  await until(() => feed.lyrics().length === 1000, 10_000, 'the whole lyric track on the feed')
  const messages = feed.of('lyric-lines')
  // the first line at once, then the burst as one message (a slow machine may split it into a few), each line sent once
  expect(messages.length).toBeLessThanOrEqual(5)
  expect(messages[0]!.lines).toHaveLength(1)
  expect(messages.flatMap((m) => m.lines.map((l) => l.start))).toEqual(Array.from({ length: 1000 }, (_, i) => i))
  expect(feed.lyrics().map((l) => l.start)).toEqual(Array.from({ length: 1000 }, (_, i) => i))
  feed.close()
})

test('bug: each lyric edit re-sent every line to each feed client (2,000 lines of 2,000 characters: 1.5 GB in 50 s); an edit now sends the line that changed', async () => {
  const feed = await FeedClient.connect(bridge.httpUrl!)
  await until(() => feed.lyrics().length === 1000, 5000, 'the snapshot with the 1,000 lines')
  let bytes = 0
  feed.ws.on('message', (d: Buffer) => (bytes += d.length))
  for (let edit = 0; edit < 20; edit++) {
    bridge.lyricLine({ start: 5, end: 5.5, text: `changed ${edit}` })
    await until(() => feed.lyrics()[5]!.text === `changed ${edit}`, 5000, `edit ${edit} on the feed`)
  }
  expect(feed.lyrics()).toHaveLength(1000)
  expect(feed.lyrics()[6]!.text).toMatch(/^line 6 /)
  // 20 edits: a few hundred bytes each (status and frame messages included), where each used to be the whole 1.9 MB track
  console.log(`20 lyric edits of a 1,000-line track sent ${bytes} bytes to one feed client`)
  expect(bytes).toBeLessThan(20 * 20_000)
  feed.close()
})

test('a clear is followed by the full list; a line added after it arrives as a change', async () => {
  const feed = await FeedClient.connect(bridge.httpUrl!)
  await until(() => feed.messages.length > 0, 5000, 'the snapshot')
  bridge.clearLyrics()
  await until(() => feed.lyrics().length === 0, 5000, 'the clear')
  await new Promise((r) => setTimeout(r, 150))
  bridge.lyricLine({ start: 1, end: 2, text: 'after the clear' })
  await until(() => feed.lyrics().length === 1, 5000, 'the new line')
  expect(feed.of('lyrics').at(-1)!.lines).toEqual([])
  expect(feed.of('lyric-lines').at(-1)!.lines.map((l) => l.text)).toEqual(['after the clear'])
  feed.close()
})
