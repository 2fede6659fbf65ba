/**
 * The options page's "Sending and fetching" rows: what a save hands to the policy check,
 * and which JMAP servers it asks the browser to let Cachet reach in the same click (a JMAP
 * server need not answer cross-origin calls, so without the permission it is out of reach).
 */
import { describe, expect, it } from 'vitest';
import { checkPolicyValue } from '../../../src/policy';
import { siteTransportsInput, type Row } from '../../../src/ui/pages/options/site-transports-field';

const row = (fields: Partial<Row>): Row => ({ origin: '', send: 'host-mail', fetch: 'host-mail', jmapUrl: '', jmapUser: '', ...fields });

describe('site transports options field', () => {
  it('asks for each JMAP server on another origin once, and for nothing else', () => {
    const { value, serviceOrigins } = siteTransportsInput([
      row({ origin: 'https://webmail.example.org', send: 'jmap', fetch: 'jmap', jmapUrl: 'https://jmap.example.org/.well-known/jmap', jmapUser: ' alice ' }),
      row({ origin: 'https://mail.example.net', send: 'jmap', fetch: 'host-mail', jmapUrl: ' https://jmap.example.org/ ' }),
      row({ origin: 'https://mail.example.com', send: 'host-mail', fetch: 'jmap', jmapUrl: 'https://mail.example.com/jmap' }),
      row({ origin: 'https://mail.google.com', send: 'gmail', fetch: 'gmail', jmapUrl: 'https://left.over.example' }),
      row({}),
    ]);
    expect(serviceOrigins).toEqual(['https://jmap.example.org']);
    const checked = checkPolicyValue('siteTransports', value);
    expect(checked).toMatchObject({ ok: true });
    expect(checked.ok && checked.value).toEqual([
      { origin: 'https://webmail.example.org', send: 'jmap', fetch: 'jmap', jmapUrl: 'https://jmap.example.org/.well-known/jmap', jmapUser: 'alice' },
      { origin: 'https://mail.example.net', send: 'jmap', fetch: 'host-mail', jmapUrl: 'https://jmap.example.org/', jmapUser: null },
      { origin: 'https://mail.example.com', send: 'host-mail', fetch: 'jmap', jmapUrl: 'https://mail.example.com/jmap', jmapUser: null },
      { origin: 'https://mail.google.com', send: 'gmail', fetch: 'gmail', jmapUrl: null, jmapUser: null },
    ]);
  });

  it('asks for nothing for a server URL the policy check will refuse', () => {
    const { value, serviceOrigins } = siteTransportsInput([row({ origin: 'https://webmail.example.org', send: 'jmap', jmapUrl: 'http://jmap.example.org/' })]);
    expect(serviceOrigins).toEqual([]);
    expect(checkPolicyValue('siteTransports', value)).toMatchObject({ ok: false });
  });
});
