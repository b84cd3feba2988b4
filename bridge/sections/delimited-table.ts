/** Reads CSV, semicolon-separated or tab-separated text with RFC 4180 quoting, keeping line numbers. */

/** A row of cells and the 1-based line it starts on. */
export type TableRow = { line: number; cells: string[] }

/** Picks the delimiter that the first non-empty line uses most: tab, comma or semicolon. */
export function sniffDelimiter(text: string): string {
  const first = text.split(/\r\n|\r|\n/).find((l) => l.trim() !== '') ?? ''
  const counts = ['\t', ',', ';'].map((d) => [d, first.split(d).length - 1] as const)
  return counts.sort((a, b) => b[1] - a[1])[0]![1] > 0 ? counts[0]![0] : ','
}

/** Splits delimited text into rows; blank lines are skipped, quoted cells may hold delimiters, quotes and newlines. */
export function readTable(text: string, delimiter = sniffDelimiter(text)): TableRow[] {
  const rows: TableRow[] = []
  let cells: string[] = []
  let cell = ''
  let quoted = false
  let line = 1
  let rowLine = 1
  let touched = false
  const endRow = () => {
    cells.push(cell)
    if (touched || cells.some((c) => c.trim() !== '')) rows.push({ line: rowLine, cells: cells.map((c) => c.trim()) })
    cells = []
    cell = ''
    touched = false
  }
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"'
        i++
      } else if (ch === '"') quoted = false
      else {
        if (ch === '\n') line++
        cell += ch
      }
      continue
    }
    if (ch === '"' && cell.trim() === '') {
      quoted = true
      cell = ''
      touched = true
    } else if (ch === delimiter) {
      cells.push(cell)
      cell = ''
      touched = true
    } else if (ch === '\r' || ch === '\n') {
      if (ch === '\r' && text[i + 1] === '\n') i++
      endRow()
      line++
      rowLine = line
    } else cell += ch
  }
  if (cell !== '' || cells.length > 0) endRow()
  return rows.filter((r) => r.cells.some((c) => c !== ''))
}
