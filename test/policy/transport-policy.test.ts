import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parsePolicyInput, type OAuthClientsPolicy, type SiteTransportPolicy } from '../../src/policy';

const sites = (value: unknown) => parsePolicyInput({ siteTransports: value });
const clients = (value: unknown) => parsePolicyInput({ oauthClients: value });
const warning = (parsed: ReturnType<typeof parsePolicyInput>) => parsed.warnings.map((w) => `${w.key}: ${w.message}`).join('\n');

describe('siteTransports', () => {
  it('takes each site\'s send and fetch transport, with a JMAP server only where JMAP is used', () => {
    const parsed = sites([
      { origin: 'https://mail.google.com/', send: 'gmail', fetch: 'gmail' },
      { origin: 'https://outlook.office.com', send: 'host-mail', fetch: 'graph' },
      { origin: 'https://webmail.example.org', send: 'jmap', fetch: 'jmap', jmapUrl: 'https://jmap.example.org', jmapUser: ' alice ' },
    ]);
    expect(parsed.warnings).toEqual([]);
    expect(parsed.values.siteTransports).toEqual<SiteTransportPolicy[]>([
      { origin: 'https://mail.google.com', send: 'gmail', fetch: 'gmail', jmapUrl: null, jmapUser: null },
      { origin: 'https://outlook.office.com', send: 'host-mail', fetch: 'graph', jmapUrl: null, jmapUser: null },
      { origin: 'https://webmail.example.org', send: 'jmap', fetch: 'jmap', jmapUrl: 'https://jmap.example.org/', jmapUser: 'alice' },
    ]);
  });

  it.each([
    [[{ origin: 'https://a.example', send: 'smtp', fetch: 'gmail' }], /send and fetch must each be one of host-mail, gmail, graph, jmap/],
    [[{ origin: 'https://a.example', send: 'gmail' }], /send and fetch/],
    [[{ origin: 'http://a.example', send: 'gmail', fetch: 'gmail' }], /origin must be/],
    [[{ origin: 'https://a.example', send: 'jmap', fetch: 'gmail' }], /jmapUrl must be/],
    [[{ origin: 'https://a.example', send: 'jmap', fetch: 'jmap', jmapUrl: 'http://jmap.example.org' }], /jmapUrl must be/],
    [[{ origin: 'https://a.example', send: 'jmap', fetch: 'jmap', jmapUrl: 'https://user:pw@jmap.example.org' }], /jmapUrl must be/],
    [[{ origin: 'https://a.example', send: 'jmap', fetch: 'jmap', jmapUrl: 'https://jmap.example.org/?token=1' }], /jmapUrl must be/],
    [[{ origin: 'https://a.example', send: 'gmail', fetch: 'gmail', jmapUrl: 'https://jmap.example.org' }], /only for sites that send or fetch through jmap/],
    [[{ origin: 'https://a.example', send: 'gmail', fetch: 'gmail', extra: 1 }], /unknown setting "extra"/],
    [[{ origin: 'https://a.example', send: 'gmail', fetch: 'gmail' }, { origin: 'https://A.example/', send: 'graph', fetch: 'graph' }], /listed already/],
    [{ origin: 'https://a.example' }, /must be a list/],
    [Array.from({ length: 201 }, (_, i) => ({ origin: `https://m${i}.example`, send: 'gmail', fetch: 'gmail' })), /at most 200/],
  ])('refuses %j', (value, message) => {
    const parsed = sites(value);
    expect(parsed.values.siteTransports).toBeUndefined();
    expect(warning(parsed)).toMatch(message);
  });

  it('lets JMAP on loopback speak plain http (tests, a server on the same machine)', () => {
    expect(sites([{ origin: 'http://127.0.0.1:8080', send: 'jmap', fetch: 'host-mail', jmapUrl: 'http://127.0.0.1:18080/jmap' }]).values.siteTransports?.[0]?.jmapUrl)
      .toBe('http://127.0.0.1:18080/jmap');
  });
});

describe('oauthClients', () => {
  it('takes a Google client with or without its secret and a Microsoft app with its tenant', () => {
    const parsed = clients({
      google: { clientId: '1234-abc.apps.googleusercontent.com', clientSecret: 'GOCSPX-x' },
      microsoft: { clientId: '6731DE76-14A6-49AE-97BC-6EBA6914391E', tenant: 'Contoso.onmicrosoft.com' },
    });
    expect(parsed.warnings).toEqual([]);
    expect(parsed.values.oauthClients).toEqual<OAuthClientsPolicy>({
      google: { clientId: '1234-abc.apps.googleusercontent.com', clientSecret: 'GOCSPX-x' },
      microsoft: { clientId: '6731de76-14a6-49ae-97bc-6eba6914391e', tenant: 'contoso.onmicrosoft.com' },
    });
    expect(clients({ microsoft: { clientId: '6731de76-14a6-49ae-97bc-6eba6914391e' } }).values.oauthClients)
      .toEqual({ google: null, microsoft: { clientId: '6731de76-14a6-49ae-97bc-6eba6914391e', tenant: 'common' } });
  });

  it.each([
    [{ yahoo: {} }, /unknown provider "yahoo"/],
    [{ google: { clientId: 'has space' } }, /google.clientId/],
    [{ google: { clientId: 'x', clientSecret: 'two words' } }, /google.clientSecret/],
    [{ google: { clientId: 'x', scope: 'all' } }, /unknown setting "scope"/],
    [{ microsoft: { clientId: 'not-a-guid' } }, /application \(client\) id/],
    [{ microsoft: { clientId: '6731de76-14a6-49ae-97bc-6eba6914391e', tenant: 'https://login.example' } }, /microsoft.tenant/],
    [[], /must be an object/],
  ])('refuses %j', (value, message) => {
    const parsed = clients(value);
    expect(parsed.values.oauthClients).toBeUndefined();
    expect(warning(parsed)).toMatch(message);
  });
});

describe('managed schema', () => {
  const schema = JSON.parse(readFileSync(new URL('../../src/policy/managed-schema.json', import.meta.url), 'utf8')) as {
    properties: { siteTransports: { items: { properties: Record<string, unknown> } }; oauthClients: { properties: Record<string, { properties: Record<string, unknown> }> } };
  };

  it('describes every field of a site and of each client', () => {
    expect(Object.keys(schema.properties.siteTransports.items.properties).sort()).toEqual(['fetch', 'jmapUrl', 'jmapUser', 'origin', 'send']);
    expect(Object.keys(schema.properties.oauthClients.properties.google?.properties ?? {}).sort()).toEqual(['clientId', 'clientSecret']);
    expect(Object.keys(schema.properties.oauthClients.properties.microsoft?.properties ?? {}).sort()).toEqual(['clientId', 'tenant']);
  });

  it('validates what the schema lets an admin write', () => {
    const parsed = parsePolicyInput({
      siteTransports: [{ origin: 'https://mail.google.com', send: 'gmail', fetch: 'gmail' }],
      oauthClients: { google: { clientId: 'a.apps.googleusercontent.com' } },
    });
    expect(parsed.warnings).toEqual([]);
  });
});
