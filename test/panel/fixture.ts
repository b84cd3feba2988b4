/** Renders a Lit template into the document and waits for the element's first update (happy-dom tests). */
import { render, type LitElement, type TemplateResult } from 'lit'
import type { PanelEvents } from '../../panel/emit.js'

/** The element the template renders, once it has rendered. */
export async function fixture<T extends LitElement>(template: TemplateResult): Promise<T> {
  const container = document.createElement('div')
  document.body.append(container)
  render(template, container)
  const el = container.firstElementChild as T
  await el.updateComplete
  return el
}

const stops: (() => void)[] = []

/** Removes everything fixtures rendered and stops every event recorder. */
export function cleanup(): void {
  document.body.replaceChildren()
  for (const stop of stops.splice(0)) stop()
}

const EVENT_NAMES: (keyof PanelEvents)[] = [
  'el-view-change',
  'el-conflict-open',
  'el-conflict-close',
  'el-retry-request',
  'el-settings-change',
  'el-preset-change',
  'el-export-request',
  'el-export',
  'el-export-error',
]

/** Records every panel event that reaches `target` until cleanup(); call the result to read them so far. */
export function recordEvents(target: EventTarget = document): () => { type: string; detail: unknown }[] {
  const seen: { type: string; detail: unknown }[] = []
  const on = (e: Event) => seen.push({ type: e.type, detail: (e as CustomEvent).detail })
  for (const n of EVENT_NAMES) target.addEventListener(n, on)
  stops.push(() => {
    for (const n of EVENT_NAMES) target.removeEventListener(n, on)
  })
  return () => [...seen]
}

/** The shadow root of `el`, which every panel element has. */
export function shadow(el: Element): ShadowRoot {
  if (!el.shadowRoot) throw new TypeError(`expected ${el.tagName} to have a shadow root, got none`)
  return el.shadowRoot
}
