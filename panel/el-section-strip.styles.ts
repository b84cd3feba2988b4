import { css } from 'lit'

export const sectionStripStyles = css`
  :host {
    display: block;
    position: relative;
    height: 30px;
    overflow: hidden;
  }
  .section {
    position: absolute;
    top: 2px;
    bottom: 2px;
    box-sizing: border-box;
    border-radius: 4px;
    border: 1px solid rgba(0, 0, 0, 0.6);
    display: flex;
    align-items: center;
    gap: 4px;
    padding: 0 4px;
    overflow: hidden;
    white-space: nowrap;
    font-size: 0.78rem;
    font-weight: 600;
  }
  .section.conflict {
    outline: 2px solid var(--el-conflict);
    outline-offset: -2px;
  }
  /* the name sits on the plain polarity colour: the stripes and dots stay around it, never under the text */
  .label {
    display: flex;
    align-items: center;
    gap: 3px;
    min-width: 0;
    overflow: hidden;
    padding: 1px 5px;
    border-radius: 3px;
    background: var(--pol);
  }
  .name {
    overflow: hidden;
    text-overflow: ellipsis;
    min-width: 0;
  }
  .glyph {
    font-size: 0.7rem;
  }
  .badge {
    margin-left: auto;
    flex: none;
    font: inherit;
    font-size: 0.72rem;
    line-height: 1;
    padding: 2px 5px;
    border-radius: 9px;
    border: 1px solid #000;
    background: var(--el-conflict);
    color: #000;
    cursor: pointer;
  }
  .badge:focus-visible {
    outline: 2px solid var(--el-focus);
    outline-offset: 1px;
  }
`
