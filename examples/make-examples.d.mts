/** Types for make-examples.mjs, so that TypeScript tests can synthesise songs with it. */
export type PartKey = 'verse' | 'chorus' | 'bridge'
export type Part = { name: string; bpm: number; beats: number; mood: 'happy' | 'sad'; chords: [string, string][]; lyrics: string[] }
export const PARTS: Record<PartKey, Part>
export const SOUNDFONT: string
export function partSeconds(part: Part): number
export type Song = {
  midi: Uint8Array
  sections: { start: number; end: number; name: string }[]
  lines: { start: number; text: string }[]
  duration: number
}
export function composeSong(partKeys: PartKey[]): Song
export function toLrc(lines: Song['lines'], title: string): string
export function toCsv(sections: Song['sections']): string
export function renderWav(midiPath: string, wavPath: string, sampleRate?: number): void
export function writeSong(
  dir: string,
  base: string,
  partKeys: PartKey[],
  options?: { mp3?: boolean },
): Song & { paths: { midi: string; wav: string; lrc: string; sections: string; audio: string } }
