/** A listener on the bridge's /ws feed, as a panel is: stamps each frame and status with its arrival time. */
import { WebSocket } from 'ws'
import type { Frame } from '../bridge/analysis/types.js'
import type { BridgeErrorInfo, BridgeStatus, FeedMessage } from '../bridge/server/protocol.js'

/** What the feed client hands on. */
export type FeedHandlers = {
  /** Frames of one message, with performance.now() at arrival. */
  frames?: (frames: Frame[], at: number) => void
  status?: (status: BridgeStatus, at: number) => void
  error?: (error: BridgeErrorInfo) => void
}

/** An open feed connection. */
export type FeedClient = { close: () => Promise<void> }

/** Connects to ws://.../ws of the bridge at `httpUrl` and resolves once the snapshot has arrived. */
export async function openFeed(httpUrl: string, handlers: FeedHandlers): Promise<FeedClient> {
  const ws = new WebSocket(`${httpUrl.replace(/^http/, 'ws')}/ws`, { perMessageDeflate: false })
  await new Promise<void>((resolve, reject) => {
    ws.once('error', (err) => reject(new Error(`cannot open the feed at ${httpUrl}/ws: ${err.message}`, { cause: err })))
    ws.on('message', function feedOnMessage(data) {
      const at = performance.now()
      let msg: FeedMessage
      try {
        msg = JSON.parse(String(data)) as FeedMessage
      } catch {
        return
      }
      if (msg.type === 'snapshot') {
        handlers.status?.(msg.status, at)
        resolve()
      } else if (msg.type === 'frames') handlers.frames?.(msg.frames, at)
      else if (msg.type === 'status') handlers.status?.(msg.status, at)
      else if (msg.type === 'error') handlers.error?.(msg.error)
    })
  })
  ws.on('error', () => undefined)
  return {
    close: () =>
      new Promise<void>((resolve) => {
        if (ws.readyState === WebSocket.CLOSED) return resolve()
        ws.once('close', () => resolve())
        ws.close(1000, 'bench done')
        setTimeout(() => {
          ws.terminate()
          resolve()
        }, 2000).unref()
      }),
  }
}
