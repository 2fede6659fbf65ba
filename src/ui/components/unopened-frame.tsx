/**
 * Cachet's reader and compose pages are web-accessible so that a webmail can frame them,
 * which lets any page frame them. Framed without the one-time token Cachet gave for that
 * frame, a page shows nothing of the user's (no identities, no compose form, no file drop)
 * and asks the background for nothing: whoever framed it did not get it from Cachet.
 */
import type { Translate } from '../platform';
import { frameToken, isFramed } from './frame-token';

export function framedWithoutToken(): boolean {
  return isFramed() && frameToken() === undefined;
}

export function UnopenedFrame({ t }: { t: Translate }) {
  return (
    <main class="framed">
      <p role="alert" data-frame-state="refused">{t('frameNotOpenedByCachet')}</p>
    </main>
  );
}
