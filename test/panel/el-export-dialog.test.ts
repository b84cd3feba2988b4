// @vitest-environment happy-dom
import { afterEach, describe, expect, test, vi } from 'vitest'
import { html } from 'lit'
import '../../panel/el-export-dialog.js'
import { dispositionFilename, type ElExportDialog } from '../../panel/el-export-dialog.js'
import { cleanup, fixture, recordEvents, shadow } from './fixture.js'

afterEach(cleanup)

const formats = [
  { id: 'mid', label: 'Standard MIDI file' },
  { id: 'csv', label: 'CSV' },
]
const mappings = [{ name: 'filter-arousal', description: 'Arousal opens a filter.' }, { name: 'volume-valence' }]

describe('<el-export-dialog>', () => {
  test('downloads the file the bridge sends, asking with the chosen format, mapping and token', async () => {
    const fetcher = vi.fn(async () => new Response(new Uint8Array([1, 2, 3, 4]), { headers: { 'content-disposition': 'attachment; filename="song-filter.mid"' } }))
    const el = await fixture<ElExportDialog>(
      html`<el-export-dialog .formats=${formats} .mappings=${mappings} .token=${'s3cret'} .fetcher=${fetcher as unknown as typeof fetch}></el-export-dialog>`,
    )
    await el.show()
    const clicked: string[] = []
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicked.push(this.download)
    })
    const stop = recordEvents()
    const selects = shadow(el).querySelectorAll('select')
    selects[1]!.value = 'volume-valence'
    selects[1]!.dispatchEvent(new Event('change'))
    await el.updateComplete
    shadow(el).querySelector('form')!.dispatchEvent(new Event('submit', { cancelable: true }))
    await vi.waitFor(() => expect(stop()).toHaveLength(1))
    click.mockRestore()
    expect(fetcher).toHaveBeenCalledWith('/api/export?to=mid&mapping=volume-valence&token=s3cret')
    expect(clicked).toEqual(['song-filter.mid'])
    await el.updateComplete
    expect(shadow(el).querySelector('.result')!.textContent).toContain('Downloaded song-filter.mid (4 bytes)')
  })

  test('shows why the bridge refused the export', async () => {
    const fetcher = vi.fn(async () => new Response(JSON.stringify({ error: 'no frames analysed yet' }), { status: 409 }))
    const el = await fixture<ElExportDialog>(html`<el-export-dialog .formats=${formats} .mappings=${mappings} .fetcher=${fetcher as unknown as typeof fetch}></el-export-dialog>`)
    await el.show()
    const stop = recordEvents()
    shadow(el).querySelector('form')!.dispatchEvent(new Event('submit', { cancelable: true }))
    await vi.waitFor(() => expect(stop().map((e) => e.type)).toEqual(['el-export-error']))
    await el.updateComplete
    expect(shadow(el).querySelector('[role=alert]')!.textContent).toBe('Export failed: the bridge answered 409: no frames analysed yet')
  })

  test('reads file names from Content-Disposition', () => {
    expect(dispositionFilename('attachment; filename="a b.mid"')).toBe('a b.mid')
    expect(dispositionFilename("attachment; filename*=UTF-8''caf%C3%A9.csv")).toBe('café.csv')
    expect(dispositionFilename(null)).toBeNull()
  })

  test('setting formats and mappings from code fires no event', async () => {
    const stop = recordEvents()
    const el = await fixture<ElExportDialog>(html`<el-export-dialog></el-export-dialog>`)
    el.formats = formats
    el.mappings = mappings
    await el.updateComplete
    expect(shadow(el).querySelectorAll('option').length).toBe(4)
    expect(stop()).toEqual([])
  })
})
