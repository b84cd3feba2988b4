import { describe, expect, it } from 'vitest'
import { ErrorReporter } from '../../../bridge/server/error-reporter.js'
import type { BridgeErrorInfo } from '../../../bridge/server/protocol.js'

function reporter() {
  const sent: BridgeErrorInfo[] = []
  const lines: string[] = []
  let now = 0
  const r = new ErrorReporter((info) => sent.push(info), (line) => lines.push(line), 2, () => now)
  return { r, sent, lines, advance: (ms: number) => (now += ms) }
}

describe('ErrorReporter', () => {
  it('names the source and the code once each in the log line', () => {
    const { r, lines } = reporter()
    r.report('persist', 'disk full', 'persist')
    r.report('bad_osc', 'address /x has no handler', 'udp')
    expect(lines).toEqual(['emolane: persist: disk full', 'emolane: udp: bad_osc: address /x has no handler'])
  })

  it('holds back a flood of one code and says how many with the next report', () => {
    const { r, sent, advance } = reporter()
    for (let i = 0; i < 5; i++) r.report('bad_osc', `datagram ${i}`, 'udp')
    expect(sent.map((e) => e.message)).toEqual(['datagram 0', 'datagram 1'])
    expect(r.count('bad_osc')).toBe(5)
    advance(1000)
    r.report('bad_osc', 'datagram 5', 'udp')
    expect(sent.at(-1)!.message).toBe('datagram 5 (3 more like this were held back in the last second)')
  })
})
