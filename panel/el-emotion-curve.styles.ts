import { css } from 'lit'

export const emotionCurveStyles = css`
  :host {
    display: block;
    position: relative;
    height: var(--el-curve-height, 180px);
    min-height: 80px;
  }
  canvas {
    display: block;
    width: 100%;
    height: 100%;
  }
  .empty {
    position: absolute;
    inset: 0;
    display: grid;
    place-items: center;
    color: var(--el-muted);
    font-size: 0.85rem;
    pointer-events: none;
  }
`
