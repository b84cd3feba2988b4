// @vitest-environment happy-dom
import { afterEach, describe, expect, test } from 'vitest'
import { html } from 'lit'
import '../../panel/el-va-plane.js'
import { describeMood, type ElVaPlane } from '../../panel/el-va-plane.js'
import { smoothFrames } from '../../panel/smoothing.js'
import { cleanup, fixture, shadow } from './fixture.js'
import { frames } from './feed-fixtures.js'

afterEach(cleanup)

describe('<el-va-plane>', () => {
  const points = smoothFrames(frames(0, 60, 0.5, (t) => (t < 30 ? 0.6 : -0.6), (t) => (t < 30 ? 0.5 : -0.4)), 0).fused

  test('marks the reading under the play head and draws the trail behind it', async () => {
    const el = await fixture<ElVaPlane>(html`<el-va-plane .points=${points} .playhead=${45} .trail=${10}></el-va-plane>`)
    expect(el.dataset.valence).toBe('-0.600')
    expect(el.dataset.arousal).toBe('-0.400')
    expect(shadow(el).querySelectorAll('line.trail').length).toBe(20)
    const dot = shadow(el).querySelector('circle.now')!
    expect(dot.getAttribute('cx')).toBe('-0.6')
    expect(dot.getAttribute('cy')).toBe('0.4')
    expect(shadow(el).querySelector('svg')!.getAttribute('aria-label')).toBe('Valence −0.60, arousal −0.40: sad, tired')
  })

  test('moving the play head moves the point', async () => {
    const el = await fixture<ElVaPlane>(html`<el-va-plane .points=${points} .playhead=${45}></el-va-plane>`)
    el.playhead = 10
    await el.updateComplete
    expect(el.dataset.valence).toBe('0.600')
  })

  test('quadrants are named after Russell', () => {
    expect(describeMood(0.5, 0.5)).toBe('excited, happy')
    expect(describeMood(-0.5, 0.5)).toBe('tense, angry')
    expect(describeMood(-0.5, -0.5)).toBe('sad, tired')
    expect(describeMood(0.5, -0.5)).toBe('calm, content')
    expect(describeMood(0.05, 0)).toBe('neutral')
  })
})
