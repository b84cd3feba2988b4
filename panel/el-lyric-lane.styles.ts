import { css } from 'lit'

export const lyricLaneStyles = css`
  :host {
    display: block;
    position: relative;
    overflow: hidden;
    font-size: 0.82rem;
  }
  .line {
    position: absolute;
    height: 20px;
    line-height: 20px;
    white-space: nowrap;
    overflow: hidden;
    text-overflow: ellipsis;
    box-sizing: border-box;
    padding: 0 3px;
    border-left: 2px solid var(--el-border);
    color: var(--el-muted);
  }
  /* near the lane's end a long line wraps onto the rows below instead of being cut */
  .line.wrap {
    white-space: normal;
    overflow-wrap: anywhere;
  }
  [role='list'] {
    position: relative;
  }
  .line.now {
    color: var(--el-text);
    border-left-color: var(--el-text);
    background: var(--el-surface-2);
  }
  mark {
    background: transparent;
    color: inherit;
    font-weight: 700;
    text-decoration: underline 2px;
    text-underline-offset: 2px;
  }
  /* a section's mood words: the same cue, lighter than a conflict's */
  mark.section {
    font-weight: inherit;
    text-decoration-thickness: 1px;
  }
  mark.positive {
    text-decoration-color: var(--el-positive);
  }
  mark.negative {
    text-decoration-color: var(--el-negative);
    text-decoration-style: dotted;
  }
  mark.neutral {
    text-decoration-color: var(--el-neutral);
    text-decoration-style: dashed;
  }
`
