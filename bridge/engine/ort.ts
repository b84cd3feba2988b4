/**
 * onnxruntime-node, imported on first use. Its native addon costs ~30-60 ms and ~30 MB to load, which
 * `emolane --help`, `--version`, `export` and `stream` never need; the model loads it before its first session.
 */
import type * as OrtModule from 'onnxruntime-node'

/** The onnxruntime-node module (its default export). */
export type Ort = typeof OrtModule

let loaded: Ort | null = null
let loading: Promise<Ort> | null = null

/** Imports onnxruntime-node once; later calls get the same module. */
export function loadOrt(): Promise<Ort> {
  loading ??= import('onnxruntime-node').then(
    (m) => {
      loaded = ((m as { default?: Ort }).default ?? m) as Ort
      // onnxruntime's own logger prints a provider that fails to load (--device cuda without CUDA) as a red
      // native error line; we say it in one line of our own (emotion-model.ts), so only fatal errors pass.
      // EMOLANE_DEBUG=1 keeps its default (warnings and up).
      if (!process.env.EMOLANE_DEBUG) loaded.env.logLevel = 'fatal'
      return loaded
    },
    (cause) => {
      loading = null
      throw new Error(`cannot load onnxruntime-node (npm ci installs it): ${cause instanceof Error ? cause.message.split('\n')[0] : String(cause)}`, { cause })
    },
  )
  return loading
}

/** The module loadOrt() loaded; throws when nothing has loaded it yet (a session must exist before a tensor). */
export function ortLoaded(): Ort {
  if (!loaded) throw new Error('onnxruntime-node is not loaded yet: open a session (loadOrt) before making tensors')
  return loaded
}
