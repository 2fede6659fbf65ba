import { describe, expect, it } from 'vitest';
import { envelopeOf } from '../../background/compose/envelope';

const request = {
  from: 'Alice Demo <alice@example.test>', to: ['Bob <bob@example.test>', 'carol@example.test'], cc: ['BOB@example.test'], bcc: ['dave@example.test'],
  subject: '', text: '', attachments: [], sign: true, encrypt: true, encryptDespiteMissing: false,
};

describe('SMTP envelope', () => {
  it('is the From address and every To, Cc and Bcc address once, Bcc included', () => {
    expect(envelopeOf(request)).toEqual({ from: 'alice@example.test', to: ['bob@example.test', 'carol@example.test', 'dave@example.test'] });
  });

  it('refuses an address that could add a command or header', () => {
    expect(() => envelopeOf({ ...request, bcc: ['x@example.test>\r\nRCPT TO:<y@example.test'] })).toThrow();
  });
});
