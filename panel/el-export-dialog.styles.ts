import { css } from 'lit'

export const exportDialogStyles = css`
  dialog {
    color: var(--el-text);
    background: var(--el-surface);
    border: 1px solid var(--el-border);
    border-radius: 8px;
    padding: 14px 16px;
    min-width: min(360px, 90vw);
    max-width: 92vw;
  }
  dialog::backdrop {
    background: rgba(0, 0, 0, 0.55);
  }
  h2 {
    margin: 0 0 10px;
    font-size: 1rem;
  }
  label {
    display: grid;
    gap: 3px;
    margin-bottom: 10px;
    font-size: 0.85rem;
  }
  select,
  button {
    font: inherit;
    color: var(--el-text);
    background: var(--el-surface-2);
    border: 1px solid var(--el-border);
    border-radius: 4px;
    padding: 4px 8px;
  }
  button {
    cursor: pointer;
  }
  button.primary {
    background: var(--el-accent-bg);
    border-color: var(--el-accent);
  }
  :is(select, button):focus-visible {
    outline: 2px solid var(--el-focus);
    outline-offset: 1px;
  }
  .row {
    display: flex;
    gap: 8px;
    justify-content: flex-end;
  }
  .hint {
    color: var(--el-muted);
    font-size: 0.78rem;
    margin: -4px 0 10px;
  }
  .result {
    font-size: 0.82rem;
    margin: 0 0 10px;
  }
  .result.error {
    color: var(--el-warn);
  }
`
