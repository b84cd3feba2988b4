/**
 * Is an audio file completely written? DAWs write a WAV/AIFF header with placeholder sizes,
 * stream the samples, then patch the header, so a header whose sizes disagree with the file
 * means the bounce is still being written. Other formats cannot be checked from the header;
 * a stable size and a successful decode stand in for them.
 */
import { open } from 'node:fs/promises'

/** What the header says: complete, still being written (why), or not a format we can check. */
export type Completeness = { state: 'complete' } | { state: 'incomplete'; reason: string } | { state: 'unknown' }

const tag = (b: Uint8Array, o: number) => String.fromCharCode(...b.subarray(o, o + 4))

/** Checks a WAV (RIFF/RF64) or AIFF header against the file's size. */
export function checkHeader(head: Uint8Array, fileSize: number): Completeness {
  if (head.length < 12) return fileSize < 12 ? { state: 'incomplete', reason: `only ${fileSize} bytes so far` } : { state: 'unknown' }
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength)
  const riff = tag(head, 0)
  if ((riff === 'RIFF' || riff === 'RF64') && tag(head, 8) === 'WAVE') {
    let declared = view.getUint32(4, true) + 8
    if (riff === 'RF64') {
      // ds64 chunk right after WAVE holds the 64-bit RIFF size
      if (head.length < 28 || tag(head, 12) !== 'ds64') return { state: 'incomplete', reason: 'RF64 file without its ds64 chunk yet' }
      declared = Number(view.getBigUint64(20, true)) + 8
    }
    if (declared <= 8) return { state: 'incomplete', reason: 'WAV header still has a placeholder size' }
    const data = findChunk(head, view, 12, 'data', true)
    if (data && data.size === 0 && riff === 'RIFF') return { state: 'incomplete', reason: 'WAV data chunk still has a placeholder size' }
    if (data && riff === 'RIFF' && data.offset + 8 + data.size > fileSize) return { state: 'incomplete', reason: `WAV data chunk wants ${data.size} bytes, the file has ${fileSize - data.offset - 8}` }
    if (declared > fileSize) return { state: 'incomplete', reason: `WAV header declares ${declared} bytes, the file has ${fileSize}` }
    return { state: 'complete' }
  }
  if (riff === 'FORM' && (tag(head, 8) === 'AIFF' || tag(head, 8) === 'AIFC')) {
    const declared = view.getUint32(4, false) + 8
    if (declared <= 8) return { state: 'incomplete', reason: 'AIFF header still has a placeholder size' }
    if (declared > fileSize) return { state: 'incomplete', reason: `AIFF header declares ${declared} bytes, the file has ${fileSize}` }
    return { state: 'complete' }
  }
  return { state: 'unknown' }
}

function findChunk(head: Uint8Array, view: DataView, from: number, id: string, little: boolean): { offset: number; size: number } | null {
  for (let o = from; o + 8 <= head.length; ) {
    const size = view.getUint32(o + 4, little)
    if (tag(head, o) === id) return { offset: o, size }
    o += 8 + size + (size & 1)
  }
  return null
}

/** Reads the first bytes of `path` and checks its header against its size. */
export async function checkFileComplete(path: string, headBytes = 4096): Promise<Completeness> {
  const handle = await open(path, 'r')
  try {
    const { size } = await handle.stat()
    const buf = new Uint8Array(Math.min(headBytes, size))
    await handle.read(buf, 0, buf.length, 0)
    return checkHeader(buf, size)
  } finally {
    await handle.close()
  }
}
