/** A tiny XML builder for the DAWproject writer: elements, escaped attributes, indentation. */

/** An XML element: name, attributes (undefined ones are left out) and children. */
export type XmlNode = { name: string; attrs?: Record<string, string | number | boolean | undefined>; children?: XmlNode[]; text?: string }

/** Escapes text for an attribute value or element content. */
export function escapeXml(s: string): string {
  // XML 1.0 forbids most C0 controls even when escaped; they have no place in names or titles.
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!)
}

function render(node: XmlNode, indent: string, out: string[]): void {
  const attrs = Object.entries(node.attrs ?? {})
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${escapeXml(String(v))}"`)
    .join('')
  const children = node.children ?? []
  if (node.text !== undefined) {
    out.push(`${indent}<${node.name}${attrs}>${escapeXml(node.text)}</${node.name}>`)
  } else if (children.length === 0) {
    out.push(`${indent}<${node.name}${attrs}/>`)
  } else {
    out.push(`${indent}<${node.name}${attrs}>`)
    for (const c of children) render(c, indent + '  ', out)
    out.push(`${indent}</${node.name}>`)
  }
}

/** Serialises a document: XML declaration, then the root element, UTF-8, two-space indentation. */
export function renderXml(root: XmlNode): string {
  const out = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>']
  render(root, '', out)
  return out.join('\n') + '\n'
}
