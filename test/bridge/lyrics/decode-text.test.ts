import { describe, expect, test } from 'vitest'
import { decodeText, detectEncoding } from '../../../bridge/lyrics/decode-text.js'
import { parseLyrics } from '../../../bridge/lyrics/index.js'

const bytes = (...b: number[]) => Uint8Array.from(b)

describe('text encoding', () => {
  test('a UTF-8 BOM is detected and stripped', () => {
    expect(decodeText(bytes(0xef, 0xbb, 0xbf, 0x68, 0xc3, 0xa9))).toEqual({ text: 'hé', encoding: 'utf-8' })
  })

  test('UTF-16 BE with a BOM, and UTF-16 LE without one', () => {
    expect(decodeText(bytes(0xfe, 0xff, 0, 0x68, 0, 0xe9)).text).toBe('hé')
    expect(detectEncoding(Uint8Array.from(Buffer.from('hello world', 'utf16le'))).encoding).toBe('utf-16le')
  })

  test('bytes that are not UTF-8 read as Windows-1252', () => {
    expect(decodeText(bytes(0x93, 0x63, 0x61, 0x66, 0xe9, 0x94, 0x80))).toEqual({ text: '“café”€', encoding: 'windows-1252' })
  })

  test('a stated encoding overrides detection', () => {
    expect(decodeText(bytes(0xc3, 0xa9), { encoding: 'latin1' }).text).toBe('Ã©')
  })

  test('stated UTF-8 that is not valid names the file, line and byte', () => {
    expect(() => decodeText(bytes(0x61, 0x0a, 0x62, 0xe9, 0x0a), { encoding: 'utf-8', file: 'x.lrc' })).toThrow(/x\.lrc: line 2: not valid utf-8 \(byte 0xe9 at offset 3\)/)
  })

  test('an unknown encoding label is a RangeError naming it', () => {
    expect(() => parseLyrics(bytes(0x61), 'text', { encoding: 'klingon' })).toThrow(RangeError)
  })
})
