import { describe, expect, test } from 'vitest'
import { DialectGate, dialectGateDefaults, parseAllowList, resolveDialectGate } from '../../../bridge/daw/dialect-gate.js'
import { bridgeDefaults } from '../../../bridge/server/options.js'

describe('who may reach a DAW dialect port', () => {
  test('the default is loopback, any local sender, the bridge\'s own limits', () => {
    expect(dialectGateDefaults).toEqual({
      host: '127.0.0.1',
      allow: null,
      maxMessageBytes: bridgeDefaults.maxMessageBytes,
      maxMessagesPerSecond: bridgeDefaults.maxMessagesPerSecond,
      maxBytesPerSecond: bridgeDefaults.maxBytesPerSecond,
    })
    const gate = new DialectGate()
    expect(gate.host).toBe('127.0.0.1')
    expect(gate.check('reaper', '127.0.0.1', 50000, 64)).toBeNull()
  })

  test('a non-loopback host without an allow-list is a TypeError saying what to add', () => {
    for (const host of ['0.0.0.0', '192.168.1.20']) {
      expect(() => resolveDialectGate({ host })).toThrow(TypeError)
      expect(() => resolveDialectGate({ host })).toThrow(new RegExp(`DAW dialect ports on ${host.replace(/\./g, '\\.')} \\(not loopback\\) need --daw-allow IP\\[,IP\\.\\.\\.\\]`))
    }
    expect(resolveDialectGate({ host: '0.0.0.0', allow: ['192.168.1.20'] }).allow).toEqual(['192.168.1.20'])
    expect(resolveDialectGate({ host: 'localhost' }).host).toBe('localhost')
  })

  test('allow-lists that are not IPv4 sender addresses are refused', () => {
    expect(() => resolveDialectGate({ host: '0.0.0.0', allow: [] })).toThrow(/must name at least one IPv4 address, got none/)
    expect(() => resolveDialectGate({ host: '0.0.0.0', allow: ['studio-mac'] })).toThrow(/--daw-allow takes IPv4 addresses .*got "studio-mac"/)
    expect(() => resolveDialectGate({ host: '0.0.0.0', allow: ['0.0.0.0'] })).toThrow(/0\.0\.0\.0 is no sender address/)
    expect(() => resolveDialectGate({ maxMessagesPerSecond: 0 })).toThrow(/maxMessagesPerSecond must be a positive number, got 0/)
    expect(parseAllowList(' 192.168.1.20, 10.0.0.7 ,')).toEqual(['192.168.1.20', '10.0.0.7'])
    expect(() => parseAllowList(' , ')).toThrow(/--daw-allow expects IPv4 addresses, comma-separated/)
  })

  test('drops senders not on the list, datagrams over maxMessageBytes, and bursts over the per-sender rate', () => {
    let t = 0
    const gate = new DialectGate({ host: '0.0.0.0', allow: ['192.168.1.20'], maxMessageBytes: 1024, maxMessagesPerSecond: 10, maxBytesPerSecond: 1e6 }, () => t)
    expect(gate.check('reaper', '192.168.1.66', 4000, 40)).toEqual({ code: 'daw-not-allowed', message: 'dropped a 40-byte datagram from 192.168.1.66:4000: not in --daw-allow (192.168.1.20)' })
    expect(gate.check('reaper', '192.168.1.20', 4000, 2000)?.code).toBe('message-too-large')
    const verdicts = Array.from({ length: 15 }, () => gate.check('reaper', '192.168.1.20', 4000, 40)?.code ?? 'taken')
    expect(verdicts.filter((v) => v === 'taken')).toHaveLength(10)
    expect(verdicts.filter((v) => v === 'rate-limited')).toHaveLength(5)
    // another port of the same machine has its own budget; the first sender's refills with time
    expect(gate.check('reaper', '192.168.1.20', 4001, 40)).toBeNull()
    t += 1000
    expect(gate.check('reaper', '192.168.1.20', 4000, 40)).toBeNull()
  })
})
