import { css } from 'lit'

export const curveControlsStyles = css`
  :host {
    display: block;
    font-size: 0.82rem;
  }
  form {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 6px 12px;
  }
  .export {
    margin-left: auto;
  }
  fieldset {
    border: none;
    margin: 0;
    padding: 0;
    display: flex;
    flex-wrap: wrap;
    gap: 4px 8px;
    align-items: center;
  }
  legend {
    float: left;
    margin-right: 6px;
    color: var(--el-muted);
  }
  label {
    display: inline-flex;
    align-items: center;
    gap: 4px;
    white-space: nowrap;
  }
  input[type='range'] {
    width: 90px;
    accent-color: var(--el-accent);
  }
  input[type='checkbox'] {
    accent-color: var(--el-accent);
  }
  output {
    font-variant-numeric: tabular-nums;
    min-width: 3.5ch;
  }
  select,
  button {
    font: inherit;
    color: var(--el-text);
    background: var(--el-surface-2);
    border: 1px solid var(--el-border);
    border-radius: 4px;
    padding: 2px 6px;
  }
  button {
    cursor: pointer;
  }
  :is(input, select, button):focus-visible {
    outline: 2px solid var(--el-focus);
    outline-offset: 1px;
  }
  .swatch {
    display: inline-block;
    width: 16px;
    height: 0;
    border-top: 3px solid;
  }
  .swatch.dashed {
    border-top-style: dashed;
  }
  .swatch.dotted {
    border-top-style: dotted;
  }
`
