/**
 * Checks the transport keys of the policy: which transport each webmail sends and fetches
 * through (`siteTransports`), and the OAuth clients of the Gmail API and Microsoft Graph
 * (`oauthClients`). Like every key, a bad value is dropped with a warning, never thrown.
 */
import {
  transportNames,
  type GoogleClientPolicy,
  type MicrosoftClientPolicy,
  type OAuthClientsPolicy,
  type SiteTransportPolicy,
  type TransportName,
} from './policy';
import { secureHttpUrl } from './secure-url';

type Checked<T> = { ok: true; value: T } | { ok: false; message: string };

const ok = <T>(value: T): Checked<T> => ({ ok: true, value });
const fail = <T>(message: string): Checked<T> => ({ ok: false, message });

/** One entry per webmail; a few hundred is already far more than anyone has. */
const maxSites = 200;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function unknownKey(record: Record<string, unknown>, allowed: readonly string[]): string | undefined {
  return Object.keys(record).find((key) => !allowed.includes(key))?.slice(0, 40);
}

/**
 * The JMAP server's URL: Cachet sends the JMAP password there, so nothing may be hidden
 * in a query or fragment, and it goes over https (or stays on loopback).
 */
export function normaliseServiceUrl(raw: string): string | undefined {
  const url = secureHttpUrl(raw);
  return url === undefined || url.search || url.hash ? undefined : url.href;
}

function transportName(value: unknown): TransportName | undefined {
  return (transportNames as readonly unknown[]).includes(value) ? (value as TransportName) : undefined;
}

export function siteTransportsProblem(
  value: unknown,
  normaliseOrigin: (raw: string) => string | undefined,
): Checked<readonly SiteTransportPolicy[]> {
  if (!Array.isArray(value) || value.length > maxSites) return fail(`must be a list of at most ${maxSites} sites`);
  const out: SiteTransportPolicy[] = [];
  for (const [i, raw] of (value as unknown[]).entries()) {
    const where = `site ${i + 1}`;
    if (!isRecord(raw)) return fail(`${where} must be an object with origin, send and fetch`);
    const extra = unknownKey(raw, ['origin', 'send', 'fetch', 'jmapUrl', 'jmapUser']);
    if (extra !== undefined) return fail(`${where}: unknown setting "${extra}"`);
    const origin = typeof raw['origin'] === 'string' ? normaliseOrigin(raw['origin']) : undefined;
    if (origin === undefined) return fail(`${where}: origin must be a webmail origin such as https://mail.example.org`);
    const send = transportName(raw['send']);
    const fetch = transportName(raw['fetch']);
    if (send === undefined || fetch === undefined) return fail(`${where}: send and fetch must each be one of ${transportNames.join(', ')}`);
    const usesJmap = send === 'jmap' || fetch === 'jmap';
    const { jmapUrl, jmapUser } = raw;
    let url: string | null = null;
    if (usesJmap) {
      url = typeof jmapUrl === 'string' ? normaliseServiceUrl(jmapUrl) ?? null : null;
      if (url === null) return fail(`${where}: jmapUrl must be the JMAP server's https URL`);
    } else if (jmapUrl !== undefined && jmapUrl !== null) {
      return fail(`${where}: jmapUrl is only for sites that send or fetch through jmap`);
    }
    if (jmapUser !== undefined && jmapUser !== null && (typeof jmapUser !== 'string' || jmapUser.trim() === '' || jmapUser.length > 320)) {
      return fail(`${where}: jmapUser must be a login name or absent`);
    }
    if (!usesJmap && typeof jmapUser === 'string') return fail(`${where}: jmapUser is only for sites that send or fetch through jmap`);
    if (out.some((site) => site.origin === origin)) return fail(`${where}: ${origin} is listed already`);
    out.push({ origin, send, fetch, jmapUrl: url, jmapUser: typeof jmapUser === 'string' ? jmapUser.trim() : null });
  }
  return ok(out);
}

/** Google's client ids end in .apps.googleusercontent.com; anything of their alphabet is let through. */
const googleClientId = /^[A-Za-z0-9._-]{1,256}$/;
/** Client secrets are printable ASCII without spaces. */
const clientSecretForm = /^[\x21-\x7e]{1,256}$/;
const guid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const tenantDomain = /^([a-z0-9-]+\.)+[a-z]{2,63}$/i;
const tenantAliases = ['common', 'organizations', 'consumers'];

function googleClient(value: unknown): Checked<GoogleClientPolicy | null> {
  if (value === undefined || value === null) return ok(null);
  if (!isRecord(value)) return fail('google must be an object with clientId');
  const extra = unknownKey(value, ['clientId', 'clientSecret']);
  if (extra !== undefined) return fail(`google: unknown setting "${extra}"`);
  const { clientId, clientSecret } = value;
  if (typeof clientId !== 'string' || !googleClientId.test(clientId.trim())) return fail('google.clientId must be the OAuth client id from Google Cloud');
  if (clientSecret !== undefined && clientSecret !== null && (typeof clientSecret !== 'string' || !clientSecretForm.test(clientSecret))) {
    return fail('google.clientSecret must be the client secret Google gave, or absent');
  }
  return ok({ clientId: clientId.trim(), clientSecret: typeof clientSecret === 'string' ? clientSecret : null });
}

function microsoftClient(value: unknown): Checked<MicrosoftClientPolicy | null> {
  if (value === undefined || value === null) return ok(null);
  if (!isRecord(value)) return fail('microsoft must be an object with clientId and tenant');
  const extra = unknownKey(value, ['clientId', 'tenant']);
  if (extra !== undefined) return fail(`microsoft: unknown setting "${extra}"`);
  const { clientId, tenant } = value;
  if (typeof clientId !== 'string' || !guid.test(clientId.trim())) return fail('microsoft.clientId must be the application (client) id, a GUID');
  const given = tenant === undefined ? 'common' : tenant;
  if (typeof given !== 'string') return fail('microsoft.tenant must be a tenant id, a domain, or common, organizations or consumers');
  const name = given.trim().toLowerCase();
  if (!tenantAliases.includes(name) && !guid.test(name) && !tenantDomain.test(name)) {
    return fail('microsoft.tenant must be a tenant id, a domain, or common, organizations or consumers');
  }
  return ok({ clientId: clientId.trim().toLowerCase(), tenant: name });
}

export function oauthClientsProblem(value: unknown): Checked<OAuthClientsPolicy> {
  if (!isRecord(value)) return fail('must be an object with google and/or microsoft');
  const extra = unknownKey(value, ['google', 'microsoft']);
  if (extra !== undefined) return fail(`unknown provider "${extra}"; known: google, microsoft`);
  const google = googleClient(value['google']);
  if (!google.ok) return fail(google.message);
  const microsoft = microsoftClient(value['microsoft']);
  if (!microsoft.ok) return fail(microsoft.message);
  return ok({ google: google.value, microsoft: microsoft.value });
}
