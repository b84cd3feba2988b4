import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest'
import type { ReactiveController, ReactiveControllerHost } from 'lit'
import { BridgeController, type FeedSocket } from '../../panel/bridge-controller.js'
import type { FeedMessage } from '../../bridge/server/protocol.js'
import { frame, snapshot } from './feed-fixtures.js'

/** A socket the test drives by hand. */
class FakeSocket implements FeedSocket {
  onopen: ((ev: Event) => void) | null = null
  onclose: ((ev: CloseEvent) => void) | null = null
  onerror: ((ev: Event) => void) | null = null
  onmessage: ((ev: MessageEvent) => void) | null = null
  closed = false
  constructor(readonly url: string) {}
  open() {
    this.onopen?.({} as Event)
  }
  send(msg: FeedMessage | string) {
    this.onmessage?.({ data: typeof msg === 'string' ? msg : JSON.stringify(msg) } as MessageEvent)
  }
  drop(code = 1006) {
    this.onerror?.({} as Event)
    this.onclose?.({ code, reason: '' } as CloseEvent)
  }
  close() {
    this.closed = true
  }
}

class Host implements ReactiveControllerHost {
  controllers: ReactiveController[] = []
  updates = 0
  addController(c: ReactiveController) {
    this.controllers.push(c)
  }
  removeController() {}
  requestUpdate() {
    this.updates++
  }
  get updateComplete() {
    return Promise.resolve(true)
  }
}

describe('BridgeController', () => {
  let sockets: FakeSocket[]
  let clock: number
  let host: Host
  let ctl: BridgeController

  beforeEach(() => {
    vi.useFakeTimers()
    sockets = []
    clock = 0
    host = new Host()
    ctl = new BridgeController(host, {
      url: 'ws://127.0.0.1:1/ws?token=abc',
      connect: (url) => {
        const s = new FakeSocket(url)
        sockets.push(s)
        return s
      },
      now: () => clock,
    })
  })
  afterEach(() => {
    ctl.hostDisconnected()
    vi.useRealTimers()
  })

  test('connects to the feed url (token included) when the host connects, and applies the snapshot', () => {
    ctl.hostConnected()
    expect(sockets).toHaveLength(1)
    expect(sockets[0]!.url).toBe('ws://127.0.0.1:1/ws?token=abc')
    expect(ctl.connection).toBe('connecting')
    sockets[0]!.open()
    sockets[0]!.send(snapshot({ frames: [frame(1, 0.2), frame(1.5, 0.3)] }))
    expect(ctl.connection).toBe('open')
    expect(ctl.state.frames).toHaveLength(2)
    expect(host.updates).toBeGreaterThan(0)
  })

  test('when the bridge goes away it says so, keeps the timeline, and retries with growing delays', () => {
    ctl.hostConnected()
    sockets[0]!.open()
    sockets[0]!.send(snapshot({ frames: [frame(1, 0.2)] }))
    sockets[0]!.send({ type: 'transport', state: { playing: true, time: 10, tempo: 120 } })
    clock = 2000
    sockets[0]!.drop()
    expect(ctl.connection).toBe('reconnecting')
    expect(ctl.lastProblem).toMatch(/went away/)
    expect(ctl.state.frames).toHaveLength(1)
    // The play head stops where it was instead of running on with no bridge.
    expect(ctl.state.playhead(60_000)).toBeCloseTo(12)

    const delays: number[] = []
    for (let i = 0; i < 5; i++) {
      const before = sockets.length
      const wait = ctl.nextRetryAt! - clock
      delays.push(wait)
      vi.advanceTimersByTime(wait + 1)
      clock += wait + 1
      expect(sockets.length).toBe(before + 1)
      sockets[sockets.length - 1]!.drop()
    }
    expect(delays[4]!).toBeGreaterThan(delays[0]! * 4)
    expect(Math.max(...delays)).toBeLessThanOrEqual(4000 * 1.2)
  })

  test('a fresh snapshot on the same connection (a preset switch, a lagging client) redraws but is no reconnect', () => {
    ctl.hostConnected()
    sockets[0]!.open()
    sockets[0]!.send(snapshot({ frames: [frame(1, 0.2)] }))
    sockets[0]!.send(snapshot({ frames: [frame(1, 0.2), frame(2, 0.1)] }))
    expect(ctl.reconnects).toBe(0)
    expect(ctl.state.frames).toHaveLength(2)
    expect(ctl.state.snapshots).toBe(2)
  })

  test('after reconnecting it redraws from the new snapshot and counts the reconnect', () => {
    ctl.hostConnected()
    sockets[0]!.open()
    sockets[0]!.send(snapshot({ frames: [frame(1, 0.2)] }))
    sockets[0]!.drop()
    vi.advanceTimersByTime(10_000)
    const s = sockets[sockets.length - 1]!
    s.open()
    s.send(snapshot({ frames: [frame(1, 0.2), frame(1.5, 0.1), frame(2, 0)] }))
    expect(ctl.connection).toBe('open')
    expect(ctl.reconnects).toBe(1)
    expect(ctl.attempt).toBe(0)
    expect(ctl.state.frames).toHaveLength(3)
    expect(ctl.state.snapshots).toBe(2)
  })

  test('a malformed message is counted and ignored; the feed stays up', () => {
    ctl.hostConnected()
    sockets[0]!.open()
    sockets[0]!.send('not json')
    sockets[0]!.send({ type: 'frames', frames: [frame(1, 0.2)] })
    expect(ctl.state.rejected).toBe(1)
    expect(ctl.state.frames).toHaveLength(1)
    expect(ctl.connection).toBe('open')
  })

  test('a bridge that never answered is told apart from one that went away', () => {
    ctl.hostConnected()
    sockets[0]!.drop()
    expect(ctl.lastProblem).toBe('no bridge answering at ws://127.0.0.1:1/ws?token=abc')
    vi.advanceTimersByTime(10_000)
    sockets[1]!.open()
    sockets[1]!.send(snapshot())
    sockets[1]!.drop()
    vi.advanceTimersByTime(10_000)
    sockets[2]!.drop()
    expect(ctl.lastProblem).toMatch(/^the bridge went away/)
  })

  test('a refused token is reported as such', () => {
    ctl.hostConnected()
    sockets[0]!.drop(4401)
    expect(ctl.lastProblem).toMatch(/refused/)
  })

  test('disconnecting the host closes the socket and stops retrying', () => {
    ctl.hostConnected()
    sockets[0]!.drop()
    ctl.hostDisconnected()
    vi.advanceTimersByTime(60_000)
    expect(sockets).toHaveLength(1)
    expect(ctl.connection).toBe('closed')
  })

  test('rejects retry limits that contradict each other', () => {
    expect(() => new BridgeController(new Host(), { url: 'ws://x/ws', retryMinMs: 500, retryMaxMs: 100 })).toThrow(RangeError)
  })
})
