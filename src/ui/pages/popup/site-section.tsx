/**
 * "Use Cachet on this site": the way Cachet is switched on for a webmail. The browser's
 * permission for the site, and for a JMAP server its mail goes through, is asked in the
 * click itself (its prompt needs the gesture); the background then registers the content
 * script, and the tab is reloaded so the webmail's pages get Cachet's controls.
 */
import { useEffect, useState } from 'preact/hooks';
import type { SiteStatus } from '../../../protocol/runtime';
import { errorText } from '../../components/error-text';
import type { PagePlatform } from '../../platform';

type State =
  | { readonly kind: 'loading' }
  | { readonly kind: 'no-site' }
  | { readonly kind: 'site'; readonly tabId: number; readonly status: SiteStatus }
  | { readonly kind: 'failed'; readonly message: string };

export function SiteSection({ platform }: { platform: PagePlatform }) {
  const { send, t } = platform;
  const [state, setState] = useState<State>({ kind: 'loading' });
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string>();

  useEffect(() => {
    void (async () => {
      try {
        const site = await platform.currentSite();
        if (!site) return setState({ kind: 'no-site' });
        setState({ kind: 'site', tabId: site.tabId, status: await send('site/status', { origin: site.origin }) });
      } catch (error) {
        setState({ kind: 'failed', message: errorText(error) });
      }
    })();
  }, []);

  if (state.kind === 'loading') return <p>{t('loading')}</p>;
  if (state.kind === 'failed') return <p class="bad">{state.message}</p>;
  if (state.kind === 'no-site') return <p class="hint">{t('popupNoSite')}</p>;
  const { status, tabId } = state;
  // Switched on, but the JMAP server its mail goes through is still out of reach.
  const servicesMissing = status.enabled && status.unreachableServices.length > 0;

  async function change(on: boolean): Promise<void> {
    setBusy(true);
    setProblem(undefined);
    try {
      if (on && !(await platform.requestHostAccess(status.permissionPatterns))) {
        setProblem(t('popupSiteRefused'));
        return;
      }
      const next = await send(on ? 'site/enable' : 'site/disable', { origin: status.origin });
      setState({ kind: 'site', tabId, status: next });
      await platform.reloadTab(tabId);
    } catch (error) {
      setProblem(errorText(error));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div class="site" data-site-enabled={status.enabled}>
      <p>
        <span class="mono">{status.origin}</span>
        <br />
        {status.enabled ? t(status.byPolicy ? 'popupSiteOnByPolicy' : 'popupSiteOn') : !status.allowed ? t('popupSiteNotAllowed') : status.byPolicy ? t('popupSitePolicyNeedsAccess') : t('popupSiteOff')}
      </p>
      {servicesMissing && <p data-unreachable-services>{t('popupSiteServiceNeedsAccess', status.unreachableServices.join(', '))}</p>}
      <div class="actions">
        {status.allowed && (!status.enabled || servicesMissing) && (
          <button type="button" class="primary" disabled={busy} onClick={() => void change(true)}>{t(status.byPolicy || servicesMissing ? 'popupSiteAllow' : 'popupSiteEnable')}</button>
        )}
        {status.enabled && !status.byPolicy && (
          <button type="button" disabled={busy} onClick={() => void change(false)}>{t('popupSiteDisable')}</button>
        )}
      </div>
      {problem && <p class="bad" role="alert">{problem}</p>}
    </div>
  );
}
