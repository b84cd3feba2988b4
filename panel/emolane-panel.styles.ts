import { css } from 'lit'

/** Theme tokens (dark by default) and the panel's layout; narrow containers stack the plane under the timeline. */
export const panelStyles = css`
  :host {
    --el-bg: #0f1115;
    --el-surface: #161a20;
    --el-surface-2: #1f242c;
    --el-border: #343b46;
    --el-text: #e8eaed;
    --el-muted: #9aa0a6;
    --el-grid: rgba(255, 255, 255, 0.07);
    --el-zero: rgba(255, 255, 255, 0.3);
    --el-positive: #e69f00;
    --el-negative: #56b4e9;
    --el-neutral: #9a9a9a;
    --el-conflict: #f0e442;
    --el-cursor: #ffffff;
    --el-accent: #56b4e9;
    --el-accent-bg: #1d3b52;
    --el-focus: #f0e442;
    --el-ok: #009e73;
    --el-ok-bg: #0b4a3a;
    --el-warn: #d55e00;
    --el-font: system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif;
    display: block;
    container-type: inline-size;
    color: var(--el-text);
    background: var(--el-bg);
    font-family: var(--el-font);
    font-size: 15px;
    padding: 10px 12px;
    box-sizing: border-box;
    min-height: 100%;
  }
  :host([theme='light']) {
    --el-bg: #f7f7f5;
    --el-surface: #ffffff;
    --el-surface-2: #eef0f2;
    --el-border: #c9ced6;
    --el-text: #15181d;
    --el-muted: #5b636e;
    --el-grid: rgba(0, 0, 0, 0.08);
    --el-zero: rgba(0, 0, 0, 0.35);
    --el-negative: #0072b2;
    --el-cursor: #15181d;
    --el-accent-bg: #d6e9f7;
    --el-focus: #d55e00;
  }
  header {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 6px 16px;
    margin-bottom: 8px;
  }
  h1 {
    margin: 0;
    font-size: 1.05rem;
    letter-spacing: 0.02em;
  }
  h1 small {
    color: var(--el-muted);
    font-weight: 400;
  }
  el-status-bar {
    flex: 1;
    min-width: 0;
  }
  el-curve-controls {
    margin-bottom: 8px;
  }
  main {
    display: grid;
    grid-template-columns: minmax(0, 1fr) minmax(180px, 240px);
    gap: 12px;
    align-items: start;
  }
  aside {
    display: grid;
    gap: 8px;
    justify-items: center;
    font-size: 0.82rem;
  }
  .now {
    display: grid;
    grid-template-columns: auto auto;
    gap: 2px 10px;
    font-variant-numeric: tabular-nums;
  }
  .now dt {
    color: var(--el-muted);
  }
  .now dd {
    margin: 0;
  }
  .legend {
    color: var(--el-muted);
    font-size: 0.75rem;
    line-height: 1.5;
  }
  .legend span {
    white-space: nowrap;
  }
  el-conflict-card {
    margin-top: 10px;
  }
  .summary {
    margin-top: 6px;
    color: var(--el-muted);
    font-size: 0.8rem;
  }
  el-section-table {
    margin-top: 12px;
  }
  @container (max-width: 700px) {
    :host {
      padding: 8px;
    }
    header {
      align-items: flex-start;
    }
    main {
      grid-template-columns: minmax(0, 1fr);
    }
    aside {
      grid-template-columns: minmax(0, 160px) 1fr;
      justify-items: start;
      align-items: center;
    }
  }
  @container (max-width: 420px) {
    aside {
      grid-template-columns: 1fr;
      justify-items: center;
    }
    el-emotion-curve {
      --el-curve-height: 140px;
    }
  }
`
