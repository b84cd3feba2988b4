import fc from 'fast-check'
import { expect, test } from 'vitest'
import { IntervalSet } from '../../../bridge/stream/interval-set.js'

test('agrees with a plain bit array under random adds and removes', () => {
  const op = fc.tuple(fc.boolean(), fc.nat(100), fc.nat(30))
  fc.assert(
    fc.property(fc.array(op, { maxLength: 40 }), fc.nat(100), fc.nat(40), (ops, qa, qlen) => {
      const set = new IntervalSet()
      const bits = new Array(140).fill(false)
      for (const [add, a, len] of ops) {
        if (add) set.add(a, a + len)
        else set.remove(a, a + len)
        for (let i = a; i < a + len; i++) bits[i] = add
      }
      const qb = qa + qlen
      const slice = bits.slice(qa, qb)
      expect(set.covers(qa, qb)).toBe(slice.every(Boolean))
      expect(set.intersects(qa, qb)).toBe(qlen > 0 && slice.some(Boolean))
      expect(set.coveredLength(qa, qb)).toBe(slice.filter(Boolean).length)
      // ranges stay sorted, disjoint and merged
      const r = set.toArray()
      for (let i = 1; i < r.length; i++) expect(r[i]![0]).toBeGreaterThan(r[i - 1]![1])
    }),
    { numRuns: 500 },
  )
})

test('merges touching ranges', () => {
  const s = new IntervalSet([[0, 5], [5, 10], [12, 14]])
  expect(s.toArray()).toEqual([[0, 10], [12, 14]])
  expect(s.end).toBe(14)
})
