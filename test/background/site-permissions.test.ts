/** The host permissions a site needs: its own origin, and for Gmail the host its raw messages come from. */
import { describe, expect, it } from 'vitest';
import { sitePermissionPatterns } from '../../background/site-permissions';

describe('site permissions', () => {
  it('asks for Gmail\'s attachment host with Gmail, since "Download original" redirects there', () => {
    expect(sitePermissionPatterns('https://mail.google.com')).toEqual(['https://mail.google.com/*', 'https://mail-attachment.googleusercontent.com/*']);
  });

  it('asks for nothing beyond the origin for other sites', () => {
    expect(sitePermissionPatterns('https://webmail.example.org')).toEqual(['https://webmail.example.org/*']);
  });
});
