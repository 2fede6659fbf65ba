import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultDirectorySettings, defaultPolicy, mergePolicy, parsePolicyInput, policyKeys, type Policy } from '../../src/policy';

describe('defaults (BEHAVIOURS.md, Policy)', () => {
  it('has every documented key with its documented default', () => {
    const expected: Policy = {
      clearSign: true,
      tripleWrap: true,
      alwaysSign: false,
      alwaysEncrypt: false,
      encryptionAlgorithms: ['aes256-gcm', 'aes256-cbc'],
      signingAlgorithms: ['sha256'],
      disableCrlCheck: false,
      checkCrl: false,
      revocationUrlRetrievalTimeoutMs: 60000,
      certUrlRetrievalTimeoutMs: 10000,
      smartCardOnly: false,
      certMatchingDoNotUseProxies: false,
      includeCertificateChain: true,
      includeRootCertificate: false,
      directory: null,
      trustedRoots: [],
      untrustedCertificates: [],
      allowedWebmailOrigins: [],
      mailAccounts: [],
      siteTransports: [],
      oauthClients: { google: null, microsoft: null },
    };
    expect(defaultPolicy).toEqual(expected);
    expect(Object.isFrozen(defaultPolicy)).toBe(true);
  });

  it('every default passes its own validation', () => {
    const parsed = parsePolicyInput(defaultPolicy);
    expect(parsed.warnings).toEqual([]);
    expect(parsed.values).toEqual(defaultPolicy);
  });
});

describe('managed storage schema', () => {
  const schema = JSON.parse(readFileSync(new URL('../../src/policy/managed-schema.json', import.meta.url), 'utf8')) as {
    properties: Record<string, { type: string }>;
  };

  it('uses only the schema forms Chromium reads: one type per value, no combinators', () => {
    // Chromium refuses to load an extension whose managed schema it cannot read.
    const types = new Set(['boolean', 'integer', 'number', 'string', 'array', 'object']);
    const walk = (node: unknown, where: string): void => {
      if (Array.isArray(node)) return node.forEach((item, i) => walk(item, `${where}[${i}]`));
      if (typeof node !== 'object' || node === null) return;
      const record = node as Record<string, unknown>;
      if ('type' in record && typeof record.type !== 'object') expect(types.has(record.type as string), `${where}.type`).toBe(true);
      if ('type' in record && typeof record.type === 'object') expect.fail(`${where}.type is not one type`);
      for (const combinator of ['anyOf', 'oneOf', 'allOf', 'not']) expect(record[combinator], `${where}.${combinator}`).toBeUndefined();
      for (const [key, value] of Object.entries(record)) if (key !== 'enum') walk(value, `${where}.${key}`);
    };
    walk(schema, 'schema');
  });

  it('describes exactly the policy keys', () => {
    expect(Object.keys(schema.properties).sort()).toEqual([...policyKeys].sort());
  });

  it('gives each key the type of its default', () => {
    for (const key of policyKeys) {
      const value: unknown = defaultPolicy[key];
      const type = schema.properties[key]?.type;
      if (typeof value === 'boolean') expect(type, key).toBe('boolean');
      else if (typeof value === 'number') expect(type, key).toBe('integer');
      else if (Array.isArray(value)) expect(type, key).toBe('array');
      else expect(type, key).toBe('object');
    }
  });
});

describe('parsePolicyInput', () => {
  it('ignores unknown keys with a warning', () => {
    const parsed = parsePolicyInput({ alwaysSign: true, alwaysSigns: true });
    expect(parsed.values).toEqual({ alwaysSign: true });
    expect(parsed.warnings).toEqual([{ key: 'alwaysSigns', message: 'unknown policy key; ignored' }]);
  });

  it('drops values of the wrong type, keeping the other keys', () => {
    const parsed = parsePolicyInput({ alwaysEncrypt: 'true', clearSign: 0, tripleWrap: false });
    expect(parsed.values).toEqual({ tripleWrap: false });
    expect(parsed.warnings.map((w) => w.key)).toEqual(['alwaysEncrypt', 'clearSign']);
  });

  it.each([null, undefined])('treats %s as no input', (raw) => {
    expect(parsePolicyInput(raw)).toEqual({ values: {}, warnings: [] });
  });

  it.each([[[]], ['text'], [42]])('refuses non-object input %j', (raw) => {
    const parsed = parsePolicyInput(raw);
    expect(parsed.values).toEqual({});
    expect(parsed.warnings).toHaveLength(1);
  });

  it('does not let __proto__ or constructor through', () => {
    const parsed = parsePolicyInput(JSON.parse('{"__proto__": {"alwaysEncrypt": false}, "constructor": 1}'));
    expect(parsed.values).toEqual({});
    expect(parsed.warnings).toHaveLength(2);
  });

  it('never accepts SHA-1 for new signatures (B12)', () => {
    const parsed = parsePolicyInput({ signingAlgorithms: ['sha256', 'SHA1'] });
    expect(parsed.values.signingAlgorithms).toBeUndefined();
    expect(parsed.warnings[0]?.message).toContain('SHA-1');
  });

  it('refuses 3DES for writing and unknown algorithms', () => {
    expect(parsePolicyInput({ encryptionAlgorithms: ['3des'] }).warnings[0]?.message).toContain('3DES');
    expect(parsePolicyInput({ encryptionAlgorithms: ['rc2-40'] }).values).toEqual({});
    expect(parsePolicyInput({ encryptionAlgorithms: [] }).values).toEqual({});
  });

  it('normalises algorithm names and collapses duplicates, keeping order', () => {
    expect(parsePolicyInput({ encryptionAlgorithms: ['AES128-GCM', 'aes256-cbc', 'aes128-gcm'] }).values).toEqual({
      encryptionAlgorithms: ['aes128-gcm', 'aes256-cbc'],
    });
  });

  it('bounds the timeouts', () => {
    expect(parsePolicyInput({ certUrlRetrievalTimeoutMs: 100, revocationUrlRetrievalTimeoutMs: 600000 }).values).toEqual({
      certUrlRetrievalTimeoutMs: 100, revocationUrlRetrievalTimeoutMs: 600000,
    });
    for (const bad of [99, 600001, 1.5, -1, Number.NaN, Infinity, '5000']) {
      expect(parsePolicyInput({ certUrlRetrievalTimeoutMs: bad }).values, String(bad)).toEqual({});
    }
  });

  it('accepts https origins and loopback http, normalised; refuses the rest', () => {
    expect(parsePolicyInput({ allowedWebmailOrigins: ['https://Mail.Example.org/', 'http://localhost:8080'] }).values).toEqual({
      allowedWebmailOrigins: ['https://mail.example.org', 'http://localhost:8080'],
    });
    for (const bad of ['http://mail.example.org', 'https://mail.example.org/inbox', 'https://*.example.org', 'https://u:p@mail.example.org', 'javascript:alert(1)', 'mail.example.org']) {
      expect(parsePolicyInput({ allowedWebmailOrigins: [bad] }).values, bad).toEqual({});
    }
  });

  it('normalises fingerprints and refuses anything else', () => {
    const fp = 'AB:'.repeat(31) + 'AB';
    expect(parsePolicyInput({ untrustedCertificates: [fp] }).values).toEqual({ untrustedCertificates: ['ab'.repeat(32)] });
    expect(parsePolicyInput({ untrustedCertificates: ['ab'.repeat(20)] }).values).toEqual({});
  });

  it('accepts PEM or base64 certificates for trustedRoots, stored as base64 DER', () => {
    const body = 'MIIBszCCAVmgAwIBAgIU';
    const pem = `-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----\n`;
    expect(parsePolicyInput({ trustedRoots: [pem, body] }).values).toEqual({ trustedRoots: [body] });
    expect(parsePolicyInput({ trustedRoots: ['not base64!'] }).values).toEqual({});
    expect(parsePolicyInput({ trustedRoots: ['QUJD'] }).values).toEqual({});
  });

  it('checks the directory and fills in the defaults (details in directory-policy.test.ts)', () => {
    expect(parsePolicyInput({ directory: { url: 'ldaps://ldap.example.org', baseDn: ' o=Example ' } }).values).toEqual({
      directory: { url: 'ldaps://ldap.example.org', baseDn: 'o=Example', ...defaultDirectorySettings },
    });
    expect(parsePolicyInput({ directory: null }).values).toEqual({ directory: null });
    for (const bad of [{ url: 'http://ldap.example.org', baseDn: 'o=x' }, { url: 'ldap://x', baseDn: '' }, { url: 'ldap://x', baseDn: 'o=x', attributes: ['bad attr'] }, 'ldap://x']) {
      expect(parsePolicyInput({ directory: bad }).values, JSON.stringify(bad)).toEqual({});
    }
  });

  it('bounds list sizes', () => {
    expect(parsePolicyInput({ allowedWebmailOrigins: Array.from({ length: 1001 }, (_, i) => `https://m${i}.example.org`) }).values).toEqual({});
  });

  it('never throws and its output is stable under a second pass, whatever the input', () => {
    const keyed = fc.dictionary(fc.constantFrom(...policyKeys, 'other'), fc.jsonValue());
    fc.assert(
      fc.property(fc.oneof(keyed, fc.jsonValue()), (raw) => {
        const once = parsePolicyInput(raw);
        const twice = parsePolicyInput(once.values);
        expect(twice.values).toEqual(once.values);
        expect(twice.warnings).toEqual([]);
      }),
      { numRuns: 500 },
    );
  });
});

describe('mergePolicy', () => {
  it('returns the defaults for empty input', () => {
    const merged = mergePolicy({}, undefined);
    expect(merged.policy).toEqual(defaultPolicy);
    expect(merged.locked).toEqual([]);
  });

  it('lets a managed key override the user option and reports it locked', () => {
    const merged = mergePolicy({ alwaysEncrypt: true }, { alwaysEncrypt: false, alwaysSign: true });
    expect(merged.policy.alwaysEncrypt).toBe(true);
    expect(merged.policy.alwaysSign).toBe(true);
    expect(merged.locked).toEqual(['alwaysEncrypt']);
    expect(merged.user).toEqual({ alwaysEncrypt: false, alwaysSign: true });
  });

  it('a managed false still locks (the admin chose false)', () => {
    const merged = mergePolicy({ includeCertificateChain: false }, { includeCertificateChain: true });
    expect(merged.policy.includeCertificateChain).toBe(false);
    expect(merged.locked).toEqual(['includeCertificateChain']);
  });

  it('an invalid managed value is not applied nor locked, and is reported', () => {
    const merged = mergePolicy({ alwaysEncrypt: 'yes' }, { alwaysEncrypt: true });
    expect(merged.policy.alwaysEncrypt).toBe(true);
    expect(merged.locked).toEqual([]);
    expect(merged.warnings).toEqual([{ key: 'alwaysEncrypt', message: 'must be true or false; ignored', source: 'managed' }]);
  });

  it('reports user warnings with their source', () => {
    expect(mergePolicy({}, { nonsense: 1 }).warnings).toEqual([{ key: 'nonsense', message: 'unknown policy key; ignored', source: 'user' }]);
  });

  it('returns a frozen policy', () => {
    expect(Object.isFrozen(mergePolicy({}, {}).policy)).toBe(true);
  });
});

describe('mailAccounts', () => {
  const account = { origin: 'http://127.0.0.1:8025/', imap: '127.0.0.1:143', smtp: 'Mail.Example.test:465/tls', user: 'alice@example.test' };

  it('reads host:port with STARTTLS by default, TLS on request, and normalises the origin', () => {
    expect(parsePolicyInput({ mailAccounts: [account] }).values).toEqual({
      mailAccounts: [{
        origin: 'http://127.0.0.1:8025',
        imap: { host: '127.0.0.1', port: 143, security: 'starttls' },
        smtp: { host: 'mail.example.test', port: 465, security: 'tls' },
        user: 'alice@example.test',
      }],
    });
  });

  it('reads its own stored form back unchanged', () => {
    const stored = parsePolicyInput({ mailAccounts: [account] }).values;
    expect(parsePolicyInput(stored).values).toEqual(stored);
  });

  it('leaves the user to be asked when the policy names none', () => {
    const { user: _user, ...withoutUser } = account;
    expect(parsePolicyInput({ mailAccounts: [withoutUser] }).values.mailAccounts?.[0]?.user).toBeNull();
  });

  it.each([
    ['a URL for a server', { ...account, imap: 'imap://127.0.0.1:143' }],
    ['a port out of range', { ...account, smtp: 'mail.example.test:70000' }],
    ['an unknown security', { ...account, smtp: 'mail.example.test:587/ssl' }],
    ['a plain http origin off loopback', { ...account, origin: 'http://mail.example.org' }],
    ['two accounts for one origin', [account, account]],
  ])('refuses %s', (_what, value) => {
    const parsed = parsePolicyInput({ mailAccounts: Array.isArray(value) ? value : [value] });
    expect(parsed.values).toEqual({});
    expect(parsed.warnings.map((w) => w.key)).toEqual(['mailAccounts']);
  });
});
