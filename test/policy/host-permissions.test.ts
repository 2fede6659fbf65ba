/**
 * The host permissions a site needs: its own origin, for Gmail the host its raw messages
 * come from, and a JMAP server on another origin, which need not answer cross-origin calls.
 */
import { describe, expect, it } from 'vitest';
import { jmapServiceOrigin, serviceOrigins, sitePermissionPatterns } from '../../src/policy/host-permissions';
import type { SiteTransportPolicy } from '../../src/policy';

const jmapSite = (origin: string, jmapUrl: string): SiteTransportPolicy => ({ origin, send: 'jmap', fetch: 'host-mail', jmapUrl, jmapUser: null });

describe('site permissions', () => {
  it('asks for Gmail\'s attachment host with Gmail, since "Download original" redirects there', () => {
    expect(sitePermissionPatterns('https://mail.google.com')).toEqual(['https://mail.google.com/*', 'https://mail-attachment.googleusercontent.com/*']);
  });

  it('asks for nothing beyond the origin for other sites', () => {
    expect(sitePermissionPatterns('https://webmail.example.org')).toEqual(['https://webmail.example.org/*']);
  });
});

describe('service permissions', () => {
  const sites = [
    jmapSite('https://webmail.example.org', 'https://jmap.example.org:8443/.well-known/jmap'),
    jmapSite('https://mail.example.com', 'https://mail.example.com/jmap/session'),
    { origin: 'https://mail.google.com', send: 'gmail', fetch: 'gmail', jmapUrl: null, jmapUser: null } satisfies SiteTransportPolicy,
  ];

  it('names the JMAP server\'s origin, port and all, for a site whose mail goes through it', () => {
    expect(serviceOrigins('https://webmail.example.org', sites)).toEqual(['https://jmap.example.org:8443']);
  });

  it('names nothing for a JMAP server on the site\'s own origin, which the site\'s permission covers', () => {
    expect(serviceOrigins('https://mail.example.com', sites)).toEqual([]);
    expect(jmapServiceOrigin(sites[1])).toBeUndefined();
  });

  it('names nothing for the Gmail API or Graph, which answer any origin, nor for a site not listed', () => {
    expect(serviceOrigins('https://mail.google.com', sites)).toEqual([]);
    expect(serviceOrigins('https://elsewhere.example.net', sites)).toEqual([]);
  });
});
