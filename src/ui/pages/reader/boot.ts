/** reader.html's first script (see early-open.ts): kept small, it loads no UI code. */
export { askEarly as boot } from './early-open';
