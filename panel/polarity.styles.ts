import { css } from 'lit'

/**
 * Polarity fills with a pattern each (stripes up for positive, dots for negative, plain for neutral),
 * so sections read apart without colour. Shared by the section strip, the conflict card and the legend.
 */
export const polarityStyles = css`
  .pol-positive {
    --pol: var(--el-positive);
    background: repeating-linear-gradient(135deg, transparent 0 6px, rgba(255, 255, 255, 0.22) 6px 8px), var(--el-positive);
    color: #111;
  }
  .pol-negative {
    --pol: var(--el-negative);
    background: radial-gradient(rgba(0, 0, 0, 0.3) 1.3px, transparent 1.8px) 0 0 / 7px 7px, var(--el-negative);
    color: #111;
  }
  .pol-neutral {
    --pol: var(--el-neutral);
    background: var(--el-neutral);
    color: #111;
  }
`
