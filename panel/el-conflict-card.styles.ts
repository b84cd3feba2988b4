import { css } from 'lit'

export const conflictCardStyles = css`
  :host {
    display: block;
  }
  section {
    border: 1px solid var(--el-conflict);
    border-radius: 8px;
    background: var(--el-surface-2);
    padding: 10px 12px;
  }
  header {
    display: flex;
    align-items: baseline;
    gap: 8px;
  }
  h3 {
    margin: 0;
    font-size: 0.95rem;
  }
  .score {
    font-variant-numeric: tabular-nums;
    color: var(--el-conflict);
    font-weight: 700;
  }
  .close {
    margin-left: auto;
    font: inherit;
    background: transparent;
    color: var(--el-text);
    border: 1px solid var(--el-border);
    border-radius: 4px;
    cursor: pointer;
  }
  .close:focus-visible {
    outline: 2px solid var(--el-focus);
  }
  p.why {
    margin: 6px 0 10px;
  }
  .sides {
    display: grid;
    grid-template-columns: repeat(auto-fit, minmax(180px, 1fr));
    gap: 10px;
  }
  h4 {
    margin: 0 0 4px;
    font-size: 0.8rem;
    text-transform: uppercase;
    letter-spacing: 0.04em;
    color: var(--el-muted);
  }
  .tag {
    display: inline-block;
    padding: 0 6px;
    border-radius: 4px;
    font-size: 0.78rem;
    font-weight: 600;
  }
  /* a plain fill behind the words (the glyph is the shape cue here): the polarity pattern made them hard to read */
  .tag[class*='pol-'] {
    background: var(--pol);
  }
  ul.words {
    list-style: none;
    margin: 6px 0 0;
    padding: 0;
    display: flex;
    flex-wrap: wrap;
    gap: 4px;
  }
  ul.words li {
    border: 1px solid var(--el-border);
    border-radius: 4px;
    padding: 1px 5px;
    font-size: 0.8rem;
  }
  dl {
    display: grid;
    grid-template-columns: auto 1fr;
    gap: 2px 10px;
    margin: 6px 0 0;
    font-size: 0.82rem;
  }
  dt {
    color: var(--el-muted);
  }
  dd {
    margin: 0;
    font-variant-numeric: tabular-nums;
  }
`
