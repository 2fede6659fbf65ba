/**
 * The mail providers' accounts: for Google and Microsoft, whether an OAuth client is set
 * and by whom, whether Cachet is signed in and what that lets it do, and signing in or out
 * from here rather than at the first send or fetch. Each provider has its own live region,
 * beside its buttons, for the sign-in's progress and its outcome.
 */
import { useId, useRef, useState } from 'preact/hooks';
import { isCachetError, type ErrorCode } from '../../../errors';
import type { MailPermission, OAuthAccountView, OAuthProvider, RevocationOutcome, RuntimeSend } from '../../../protocol/runtime';
import { Announcer, type Announcement } from '../../components/announcer';
import { errorText } from '../../components/error-text';
import { useRequest } from '../../components/use-request';
import type { MessageKey, Translate } from '../../platform';

const providerName: Readonly<Record<OAuthProvider, MessageKey>> = { google: 'oauthProviderGoogle', microsoft: 'oauthProviderMicrosoft' };
const permissionWords: Readonly<Record<MailPermission, MessageKey>> = { send: 'oauthPermissionSend', read: 'oauthPermissionRead' };
const clientWords: Readonly<Record<OAuthAccountView['client'], MessageKey>> = {
  policy: 'oauthClientByPolicy', options: 'oauthClientByOptions', none: 'oauthClientNone',
};
/** The typed OAuth errors (background/oauth/oauth-errors.ts), said for people; $1 is the provider. */
const errorWords: Readonly<Partial<Record<ErrorCode, MessageKey>>> = {
  'oauth/consent-blocked': 'oauthErrorConsentBlocked',
  'oauth/cancelled': 'oauthErrorCancelled',
  'oauth/not-configured': 'oauthErrorNotConfigured',
  'oauth/scope-missing': 'oauthErrorScopeMissing',
  'oauth/token-revoked': 'oauthErrorTokenRevoked',
};
const signedOutWords: Readonly<Record<RevocationOutcome, MessageKey>> = {
  'revoked': 'oauthSignedOutRevoked', 'not-offered': 'oauthSignedOutForgotten', 'failed': 'oauthSignedOutNotRevoked', 'nothing-kept': 'oauthSignedOut',
};

/** The sign-in's outcome: the announcement, and for an error the background's own words beneath it. */
interface Outcome {
  readonly announcement: Announcement;
  readonly detail?: string;
}

function permissionList(permissions: readonly MailPermission[], t: Translate): string {
  return permissions.map((p) => t(permissionWords[p])).join(', ');
}

function ProviderAccount({ account, busy, t, signIn, signOut }: {
  account: OAuthAccountView;
  busy: boolean;
  t: Translate;
  signIn: () => Promise<Outcome>;
  signOut: () => Promise<Outcome>;
}) {
  const id = useId();
  const [outcome, setOutcome] = useState<Outcome>();
  const [working, setWorking] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);
  const name = t(providerName[account.provider]);
  const missing = account.needed.filter((p) => !account.granted.includes(p));

  async function run(action: () => Promise<Outcome>, progress: string): Promise<void> {
    setWorking(true);
    setOutcome({ announcement: { kind: 'info', text: progress } });
    try {
      setOutcome(await action());
    } finally {
      setWorking(false);
      // Signing in swaps "Sign in" for "Sign out": focus goes to the provider's heading, not the page top.
      queueMicrotask(() => {
        if (!heading.current?.parentElement?.contains(document.activeElement)) heading.current?.focus();
      });
    }
  }

  const disabled = busy || working;
  return (
    <div class="oauth-account" role="group" aria-labelledby={`${id}-name`} aria-busy={working} data-provider={account.provider}>
      <h3 id={`${id}-name`} ref={heading} tabIndex={-1}>{name}</h3>
      <div class="field">
        <span class="label">{t('oauthClientLabel')}</span>
        <p id={`${id}-client`} data-client={account.client}>{t(clientWords[account.client])}</p>
      </div>
      <div class="field">
        <span class="label">{t('oauthStateLabel')}</span>
        <p data-signed-in={account.signedIn}>
          {!account.signedIn ? t('oauthNotSignedIn') : account.granted.length > 0 ? t('oauthSignedIn', permissionList(account.granted, t)) : t('oauthSignedInNothing')}
        </p>
      </div>
      <div class="field">
        <span class="label">{t('oauthSitesLabel')}</span>
        <p>{account.sites.length > 0 ? account.sites.join(', ') : t('oauthNoSites')}</p>
      </div>
      {account.signedIn && missing.length > 0 && <p class="hint" id={`${id}-missing`}>{t('oauthMissing', permissionList(missing, t))}</p>}
      <div class="actions">
        {(!account.signedIn || missing.length > 0) && (
          <button type="button" class="primary" disabled={disabled || account.client === 'none'}
            aria-describedby={account.client === 'none' ? `${id}-client` : account.signedIn ? `${id}-missing` : undefined}
            onClick={() => void run(signIn, t('oauthSigningIn', name))}>
            {t('oauthSignIn')}
          </button>
        )}
        {account.signedIn && (
          <button type="button" disabled={disabled} aria-label={t('oauthSignOutNamed', name)}
            onClick={() => void run(signOut, t('oauthSigningOut', name))}>
            {t('oauthSignOut')}
          </button>
        )}
      </div>
      <Announcer announcement={outcome?.announcement}>
        {outcome?.detail !== undefined && <p class="detail">{t('oauthDetail', outcome.detail)}</p>}
      </Announcer>
    </div>
  );
}

/** An error from signing in or out, in words from its code where the code is one of OAuth's. */
export function oauthErrorOutcome(error: unknown, provider: OAuthProvider, t: Translate): Outcome {
  const words = isCachetError(error) ? errorWords[error.code] : undefined;
  if (words === undefined) return { announcement: { kind: 'error', text: errorText(error) } };
  return { announcement: { kind: 'error', text: t(words, t(providerName[provider])) }, detail: errorText(error) };
}

export function OAuthAccountsSection({ send, t }: { send: RuntimeSend; t: Translate }) {
  const accounts = useRequest(() => send('oauth/accounts', {}));

  async function signIn(provider: OAuthProvider): Promise<Outcome> {
    try {
      const { accounts: next } = await send('oauth/sign-in', { provider });
      accounts.set({ accounts: next });
      const granted = next.find((a) => a.provider === provider)?.granted ?? [];
      return { announcement: { kind: 'info', text: t('oauthSignedInNow', [t(providerName[provider]), permissionList(granted, t)]) } };
    } catch (error) {
      // A refused or partial sign-in may still have changed what is kept.
      accounts.reload();
      return oauthErrorOutcome(error, provider, t);
    }
  }

  async function signOut(provider: OAuthProvider): Promise<Outcome> {
    try {
      const { accounts: next, revocation, detail } = await send('oauth/sign-out', { provider });
      accounts.set({ accounts: next });
      const text = t(signedOutWords[revocation], t(providerName[provider]));
      return revocation === 'failed'
        ? { announcement: { kind: 'error', text }, ...(detail !== undefined ? { detail } : {}) }
        : { announcement: { kind: 'info', text } };
    } catch (error) {
      return oauthErrorOutcome(error, provider, t);
    }
  }

  return (
    <section aria-labelledby="oauth-heading">
      <h2 id="oauth-heading" tabIndex={-1}>{t('oauthHeading')}</h2>
      <p class="hint">{t('oauthExplain')}</p>
      {accounts.state.status === 'ready'
        ? accounts.state.value.accounts.map((account) => (
            <ProviderAccount key={account.provider} account={account} busy={accounts.pending} t={t}
              signIn={() => signIn(account.provider)} signOut={() => signOut(account.provider)} />
          ))
        : <p>{accounts.state.status === 'failed' ? accounts.state.message : t('loading')}</p>}
    </section>
  );
}
