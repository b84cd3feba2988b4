/**
 * The sample rate an audio file's header declares, read before decoding: a header that claims a
 * rate of 1 Hz turns a 200 KB WAV into hours of audio once resampled (gigabytes of memory), so
 * such files are refused up front. Covers WAV/RF64, FLAC and Ogg Vorbis, whose headers can state
 * any rate; MP3 and ADTS AAC pick their rate from a fixed table of sane values.
 */

/** Rates a decodable file may declare, Hz. */
export const DECLARED_RATE_RANGE = { min: 4000, max: 768_000 } as const

/** The four ASCII characters at `at` (a RIFF chunk id, a container's magic). */
export const tag = (b: Uint8Array, at: number): string => String.fromCharCode(...b.subarray(at, at + 4))

/** True when the bytes start a RIFF/RF64/BW64 WAVE file. */
export function isWav(b: Uint8Array): boolean {
  if (b.length < 12) return false
  const riff = tag(b, 0)
  return (riff === 'RIFF' || riff === 'RF64' || riff === 'BW64') && tag(b, 8) === 'WAVE'
}

/** The container's name and declared rate, or null when the header is not one of these (or too short to say). */
export function declaredSampleRate(b: Uint8Array): { container: string; rate: number } | null {
  if (b.length < 12) return null
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength)
  const magic = tag(b, 0)
  if (isWav(b)) {
    // walk the chunks to 'fmt ' (sample rate at +4 of its data)
    for (let at = 12; at + 16 <= b.length; ) {
      const size = view.getUint32(at + 4, true)
      if (tag(b, at) === 'fmt ') return { container: 'WAV', rate: view.getUint32(at + 12, true) }
      at += 8 + size + (size & 1)
    }
    return null
  }
  if (magic === 'fLaC' && b.length >= 21 && (b[4]! & 0x7f) === 0) {
    // STREAMINFO: the rate is the 20 bits from byte 18
    return { container: 'FLAC', rate: (b[18]! << 12) | (b[19]! << 4) | (b[20]! >> 4) }
  }
  if (magic === 'OggS' && b.length >= 28) {
    const segments = b[26]!
    const packet = 27 + segments
    if (b.length >= packet + 16 && b[packet] === 1 && String.fromCharCode(...b.subarray(packet + 1, packet + 7)) === 'vorbis') {
      return { container: 'Ogg Vorbis', rate: view.getUint32(packet + 12, true) }
    }
  }
  return null
}

const MPEG_RATES: Record<number, readonly number[]> = { 3: [44100, 48000, 32000], 2: [22050, 24000, 16000], 0: [11025, 12000, 8000] }

/** The sample rate of an MP3 (MPEG audio layer I-III) from its first frame header after any ID3v2 tag, or null when none is found in the first 64 KiB. */
export function mpegSampleRate(b: Uint8Array): number | null {
  let at = 0
  if (b.length >= 10 && b[0] === 0x49 && b[1] === 0x44 && b[2] === 0x33) {
    // ID3v2: a 10-byte header, a syncsafe size, and a 10-byte footer when flagged
    at = 10 + (((b[6]! & 0x7f) << 21) | ((b[7]! & 0x7f) << 14) | ((b[8]! & 0x7f) << 7) | (b[9]! & 0x7f)) + (b[5]! & 0x10 ? 10 : 0)
  }
  for (const end = Math.min(b.length - 3, at + 65536); at < end; at++) {
    if (b[at] !== 0xff || (b[at + 1]! & 0xe0) !== 0xe0) continue
    const version = (b[at + 1]! >> 3) & 3
    const layer = (b[at + 1]! >> 1) & 3
    const bitrate = b[at + 2]! >> 4
    const rate = (b[at + 2]! >> 2) & 3
    if (version === 1 || layer === 0 || bitrate === 15 || rate === 3) continue
    return MPEG_RATES[version]![rate]!
  }
  return null
}
