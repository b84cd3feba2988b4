/** The panel bundle's entry point: registers <emolane-panel> and its parts. */
export { EmolanePanel } from './emolane-panel.js'
