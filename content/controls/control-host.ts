/**
 * Every control Cachet puts into a webmail page lives in a closed shadow root, so the
 * page's styles do not reach in and its scripts cannot find the controls' inner elements
 * through `element.shadowRoot`. The host element carries `data-cachet` so the observer
 * can tell Cachet's own changes from the page's.
 */
import { controlStyles } from './control-styles';

export const hostTag = 'cachet-control';

export interface ControlHost {
  readonly host: HTMLElement;
  readonly root: ShadowRoot;
}

export function createControlHost(doc: Document, role: string): ControlHost {
  const host = doc.createElement(hostTag);
  host.setAttribute('data-cachet', role);
  const root = host.attachShadow({ mode: 'closed' });
  const style = doc.createElement('style');
  style.textContent = controlStyles;
  root.append(style);
  return { host, root };
}

/** True for nodes inside one of Cachet's hosts, whose changes never need a new scan. */
export function isInsideControl(node: Node): boolean {
  // Node types, not instanceof: the page's window and the script's may be other realms.
  const element = node.nodeType === 1 ? (node as Element) : node.parentElement;
  return element?.closest(hostTag) != null;
}
