/**
 * The providers' services as a browser with Cachet meets them, every one on loopback under
 * its real host name: the Gmail and Outlook pages (the captures), the Gmail API and
 * Microsoft Graph (the contract servers of test/transports/support/), and Google's and
 * Microsoft's OAuth endpoints. Chromium maps each name to its server
 * (`--host-resolver-rules`) and accepts the one test certificate they share, so Cachet's
 * production code calls its real URLs unchanged and its sign-in window ends at its real
 * redirect URI, https://<extension id>.chromiumapp.org/.
 */
import { startGmailServer, type GmailServer } from '../../transports/support/gmail-server';
import { startGraphServer, type GraphServer } from '../../transports/support/graph-server';
import type { Loopback } from '../../transports/support/loopback-http';
import { googleClient, microsoftClient } from '../../transports/support/oauth-harness';
import { startOAuthServer, type OAuthServer } from '../../transports/support/oauth-server';
import { startGmailSite, startRoundcubeSite, startOutlookSite, type CaptureSite } from './capture-sites';
import { makeTestCertificate } from './test-certificate';

export interface ProviderWorld {
  readonly google: OAuthServer;
  readonly microsoft: OAuthServer;
  readonly gmail: GmailServer;
  readonly graph: GraphServer;
  readonly gmailSite: CaptureSite;
  readonly outlookSite: CaptureSite;
  readonly roundcubeSite: CaptureSite;
  /** The switches that send the host names here and accept the test certificate. */
  readonly chromiumArgs: readonly string[];
  /** The OAuth clients registered with the loopback providers, as `oauthClients` takes them. */
  readonly oauthClients: { readonly google: typeof googleClient; readonly microsoft: typeof microsoftClient };
  close(): Promise<void>;
}

const hostNames = [
  'mail.google.com', 'mail-attachment.googleusercontent.com', 'outlook.office.com', 'webmail.example.test',
  'gmail.googleapis.com', 'graph.microsoft.com', 'accounts.google.com', 'oauth2.googleapis.com', 'login.microsoftonline.com',
] as const;
type HostName = (typeof hostNames)[number];

export async function startProviderWorld(): Promise<ProviderWorld> {
  const certificate = makeTestCertificate(hostNames);
  const tls = { key: certificate.key, cert: certificate.cert };
  // The APIs and token endpoints are called by the extension's service worker from its own
  // origin, without host permission for them: they must answer cross-origin callers.
  const api = { tls, cors: true };
  const google = await startOAuthServer({ flavour: 'google', clientId: googleClient.clientId, clientSecret: googleClient.clientSecret, loopback: api });
  const microsoft = await startOAuthServer({ flavour: 'microsoft', clientId: microsoftClient.clientId, loopback: api });
  const gmail = await startGmailServer(google, api);
  const graph = await startGraphServer(microsoft, api);
  const gmailSite = await startGmailSite({ tls });
  const outlookSite = await startOutlookSite({ tls });
  const roundcubeSite = await startRoundcubeSite({ tls });
  const servers: Record<HostName, Loopback> = {
    'mail.google.com': gmailSite.loopback,
    'mail-attachment.googleusercontent.com': gmailSite.loopback,
    'outlook.office.com': outlookSite.loopback,
    'webmail.example.test': roundcubeSite.loopback,
    'gmail.googleapis.com': gmail.loopback,
    'graph.microsoft.com': graph.loopback,
    'accounts.google.com': google.loopback,
    'oauth2.googleapis.com': google.loopback,
    'login.microsoftonline.com': microsoft.loopback,
  };
  const rules = hostNames.map((host) => `MAP ${host} 127.0.0.1:${new URL(servers[host].origin).port}`);
  return {
    google, microsoft, gmail, graph, gmailSite, outlookSite, roundcubeSite,
    chromiumArgs: [`--host-resolver-rules=${rules.join(', ')}`, `--ignore-certificate-errors-spki-list=${certificate.spkiHash}`],
    oauthClients: { google: googleClient, microsoft: microsoftClient },
    async close() {
      await Promise.all([google, microsoft, gmail, graph, gmailSite, outlookSite, roundcubeSite].map((server) => server.close()));
    },
  };
}
