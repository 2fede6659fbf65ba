/** reader.html's first script (see early-open.ts): kept small, it loads no UI code. */
import { askEarly, type RuntimePost } from './early-open';

export function boot(post: RuntimePost): void {
  askEarly(post);
}
