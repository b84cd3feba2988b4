/**
 * The sample rate an audio file's header declares, read before decoding: a header that claims a
 * rate of 1 Hz turns a 200 KB WAV into hours of audio once resampled (gigabytes of memory), so
 * such files are refused up front. Covers WAV/RF64, FLAC and Ogg Vorbis, whose headers can state
 * any rate; MP3 and ADTS AAC pick their rate from a fixed table of sane values.
 */

/** Rates a decodable file may declare, Hz. */
export const DECLARED_RATE_RANGE = { min: 4000, max: 768_000 } as const

const tag = (b: Uint8Array, at: number): string => String.fromCharCode(...b.subarray(at, at + 4))

/** The container's name and declared rate, or null when the header is not one of these (or too short to say). */
export function declaredSampleRate(b: Uint8Array): { container: string; rate: number } | null {
  if (b.length < 12) return null
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength)
  const riff = tag(b, 0)
  if ((riff === 'RIFF' || riff === 'RF64' || riff === 'BW64') && tag(b, 8) === 'WAVE') {
    // walk the chunks to 'fmt ' (sample rate at +4 of its data)
    for (let at = 12; at + 16 <= b.length; ) {
      const size = view.getUint32(at + 4, true)
      if (tag(b, at) === 'fmt ') return { container: 'WAV', rate: view.getUint32(at + 12, true) }
      at += 8 + size + (size & 1)
    }
    return null
  }
  if (riff === 'fLaC' && b.length >= 21 && (b[4]! & 0x7f) === 0) {
    // STREAMINFO: the rate is the 20 bits from byte 18
    return { container: 'FLAC', rate: (b[18]! << 12) | (b[19]! << 4) | (b[20]! >> 4) }
  }
  if (riff === 'OggS' && b.length >= 28) {
    const segments = b[26]!
    const packet = 27 + segments
    if (b.length >= packet + 16 && b[packet] === 1 && String.fromCharCode(...b.subarray(packet + 1, packet + 7)) === 'vorbis') {
      return { container: 'Ogg Vorbis', rate: view.getUint32(packet + 12, true) }
    }
  }
  return null
}
