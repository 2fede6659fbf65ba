import { sandboxedDocument } from '../../components/sanitize-html';
import type { Translate } from '../../platform';

/**
 * The decrypted body. Plain text is text; HTML goes through the sanitiser into a frame
 * with no scripts, no same-origin access and a CSP that loads nothing (DESIGN.md invariant 1).
 */
export function MessageBody({ text, html, t }: { text: string | null; html: string | null; t: Translate }) {
  if (html !== null) {
    return <iframe class="message-html" title={t('readerBodyLabel')} sandbox="" referrerpolicy="no-referrer" srcdoc={sandboxedDocument(html)} />;
  }
  if (text !== null) return <pre class="message-text" aria-label={t('readerBodyLabel')}>{text}</pre>;
  return <p class="hint">{t('readerNoBody')}</p>;
}
