/** Small pieces the reader and compose controls share. */
import { lockIcon } from './control-styles';

/** Hides the webmail's own element and returns how to show it again as it was. */
export function hideElement(target: Element): () => void {
  const element = target as Element & Partial<ElementCSSInlineStyle>;
  if (element.style === undefined) return () => {};
  const { style } = element;
  const before = style.getPropertyValue('display');
  const priority = style.getPropertyPriority('display');
  style.setProperty('display', 'none', 'important');
  return () => {
    if (before) style.setProperty('display', before, priority);
    else style.removeProperty('display');
  };
}

/** A button that removes itself when used: each click starts one new attempt. */
export function actionButton(doc: Document, label: string, onClick: () => void, variant: 'main' | 'quiet' = 'main'): HTMLButtonElement {
  const button = doc.createElement('button');
  button.type = 'button';
  if (variant === 'quiet') button.className = 'quiet';
  else button.innerHTML = lockIcon;
  button.append(doc.createTextNode(label));
  button.addEventListener('click', () => {
    button.remove();
    onClick();
  });
  return button;
}
