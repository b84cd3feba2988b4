import { css } from 'lit'

export const vaPlaneStyles = css`
  :host {
    display: block;
    aspect-ratio: 1;
    max-width: var(--el-plane-size, 240px);
    width: 100%;
  }
  svg {
    width: 100%;
    height: 100%;
    overflow: visible;
  }
  .ring {
    fill: var(--el-surface-2);
    stroke: var(--el-border);
    stroke-width: 0.01;
  }
  .axis {
    stroke: var(--el-grid-strong, rgba(255, 255, 255, 0.25));
    stroke-width: 0.01;
  }
  text {
    fill: var(--el-muted);
    font-size: 0.085px;
    font-family: var(--el-font);
  }
  text.quad {
    font-size: 0.075px;
  }
  .trail {
    stroke-width: 0.025;
    stroke-linecap: round;
  }
  .now {
    stroke: #000;
    stroke-width: 0.015;
  }
`
