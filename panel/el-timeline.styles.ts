import { css } from 'lit'

export const timelineStyles = css`
  :host {
    display: block;
    min-width: 0;
  }
  .toolbar {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 6px;
    margin-bottom: 6px;
    font-size: 0.82rem;
  }
  .clock {
    font-variant-numeric: tabular-nums;
    min-width: 9ch;
  }
  .toolbar .spacer {
    flex: 1;
  }
  button {
    font: inherit;
    color: var(--el-text);
    background: var(--el-surface-2);
    border: 1px solid var(--el-border);
    border-radius: 4px;
    padding: 2px 8px;
    cursor: pointer;
    min-width: 28px;
  }
  button[aria-pressed='true'] {
    background: var(--el-accent-bg);
    border-color: var(--el-accent);
  }
  button:focus-visible,
  .frame:focus-visible {
    outline: 2px solid var(--el-focus);
    outline-offset: 1px;
  }
  .frame {
    position: relative;
    border: 1px solid var(--el-border);
    border-radius: 6px;
    background: var(--el-surface);
    overflow: hidden;
    touch-action: none;
    cursor: grab;
    user-select: none;
  }
  .frame.dragging {
    cursor: grabbing;
  }
  .frame.stale {
    opacity: 0.55;
  }
  el-section-strip {
    border-bottom: 1px solid var(--el-border);
  }
  el-lyric-lane {
    border-top: 1px solid var(--el-border);
  }
  .cursor {
    position: absolute;
    top: 0;
    bottom: 0;
    width: 0;
    border-left: 2px solid var(--el-cursor);
    pointer-events: none;
    will-change: transform;
  }
  .cursor::before {
    content: '';
    position: absolute;
    top: 0;
    left: -6px;
    border: 5px solid transparent;
    border-top: 7px solid var(--el-cursor);
  }
  .cursor[hidden] {
    display: none;
  }
  .hint {
    color: var(--el-muted);
    font-size: 0.75rem;
  }
  .lag {
    color: var(--el-text);
    font-size: 0.75rem;
    max-width: 60ch;
  }
  /* the stretch between the newest reading and the play head: heard, not analysed yet */
  .pending {
    position: absolute;
    top: 0;
    bottom: 0;
    pointer-events: none;
    background: repeating-linear-gradient(90deg, transparent 0 5px, rgba(255, 255, 255, 0.05) 5px 10px);
    border-left: 1px dashed var(--el-muted);
    overflow: hidden;
  }
  .pending[hidden] {
    display: none;
  }
  .pending span {
    position: absolute;
    right: 6px;
    top: 48px;
    font-size: 0.72rem;
    color: var(--el-muted);
    white-space: nowrap;
  }
  @container (max-width: 520px) {
    .hint {
      display: none;
    }
  }
`
