import { css } from 'lit'

export const statusBarStyles = css`
  :host {
    display: block;
    font-size: 0.8rem;
  }
  .bar {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 6px 14px;
  }
  .conn {
    display: inline-flex;
    align-items: center;
    gap: 6px;
    padding: 2px 8px;
    border-radius: 10px;
    border: 1px solid var(--el-border);
    font-weight: 600;
  }
  .dot {
    width: 9px;
    height: 9px;
    border-radius: 50%;
    background: var(--el-muted);
  }
  .conn[data-connection='open'] .dot {
    background: var(--el-ok);
  }
  .conn[data-connection='reconnecting'] {
    border-color: var(--el-warn);
  }
  .conn[data-connection='reconnecting'] .dot {
    background: var(--el-warn);
    border-radius: 1px;
  }
  .facts {
    display: contents;
  }
  .facts.stale .item {
    opacity: 0.5;
  }
  .item {
    color: var(--el-muted);
    min-width: 0;
    overflow-wrap: anywhere;
  }
  .item b {
    color: var(--el-text);
    font-weight: 600;
  }
  .badge {
    border-radius: 4px;
    padding: 0 5px;
    font-weight: 600;
  }
  .badge.trained {
    background: var(--el-ok-bg);
    color: var(--el-text);
  }
  .badge.untrained {
    background: var(--el-warn);
    color: #000;
  }
  .behind {
    color: var(--el-warn);
  }
  button {
    font: inherit;
    color: var(--el-text);
    background: var(--el-surface-2);
    border: 1px solid var(--el-border);
    border-radius: 4px;
    padding: 1px 6px;
    cursor: pointer;
  }
  button:focus-visible {
    outline: 2px solid var(--el-focus);
  }
  .sr {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
  }
  .problem {
    color: var(--el-warn);
    flex-basis: 100%;
  }
`
