import { css } from 'lit'

export const sectionTableStyles = css`
  :host {
    display: block;
    font-size: 0.8rem;
    overflow-x: auto;
  }
  table {
    width: 100%;
    border-collapse: collapse;
    font-variant-numeric: tabular-nums;
  }
  caption {
    text-align: left;
    color: var(--el-muted);
    font-size: 0.75rem;
    text-transform: uppercase;
    letter-spacing: 0.04em;
    padding-bottom: 4px;
  }
  th,
  td {
    text-align: left;
    padding: 5px 8px 5px 0;
    border-bottom: 1px solid var(--el-border);
    vertical-align: top;
  }
  thead th {
    color: var(--el-muted);
    font-weight: 400;
  }
  tbody th {
    font-weight: 600;
    white-space: nowrap;
  }
  .time,
  .va,
  .sure,
  .none,
  .differ {
    color: var(--el-muted);
    font-weight: 400;
  }
  .va,
  .sure {
    display: block;
    font-size: 0.72rem;
  }
  .pol {
    font-weight: 600;
    white-space: nowrap;
  }
  .pol-positive {
    color: var(--el-positive);
  }
  .pol-negative {
    color: var(--el-negative);
  }
  .pol-neutral {
    color: var(--el-neutral);
  }
  q {
    font-style: italic;
  }
  .disagree {
    color: var(--el-conflict);
    font-weight: 600;
    white-space: nowrap;
  }
  tr.conflict th {
    box-shadow: inset 3px 0 0 var(--el-conflict);
    padding-left: 6px;
  }
  button {
    font: inherit;
    margin-left: 4px;
    color: #000;
    background: var(--el-conflict);
    border: 1px solid #000;
    border-radius: 9px;
    padding: 0 7px;
    cursor: pointer;
  }
  button:focus-visible {
    outline: 2px solid var(--el-focus);
    outline-offset: 1px;
  }
  .empty {
    color: var(--el-muted);
    margin: 6px 0;
  }
`
