/** B8 and DESIGN.md Choices: which content cipher a message to these recipients gets. */
import { describe, expect, it } from 'vitest';
import { acceptableAlgorithms, chooseContentCipher, ENCRYPTION_ALGORITHM_OIDS } from '../../src/cms/content-cipher-choice';
import type { EncryptionAlgorithm } from '../../src/policy';

const oid = (name: EncryptionAlgorithm): string => ENCRYPTION_ALGORITHM_OIDS[name];
const defaults: EncryptionAlgorithm[] = ['aes256-gcm', 'aes256-cbc'];

describe('acceptableAlgorithms', () => {
  it('unknown capabilities: CBC only, AES-GCM needs an announcement', () => {
    expect(acceptableAlgorithms(defaults, null)).toEqual(['aes256-cbc']);
    expect(acceptableAlgorithms(['aes256-gcm'], null)).toEqual([]);
  });

  it('announced capabilities: the allowed algorithms among them, in policy order', () => {
    expect(acceptableAlgorithms(defaults, [oid('aes256-cbc'), oid('aes256-gcm')])).toEqual(['aes256-gcm', 'aes256-cbc']);
    expect(acceptableAlgorithms(defaults, [oid('aes128-cbc'), '1.2.840.113549.3.7'])).toEqual([]);
    expect(acceptableAlgorithms(defaults, [])).toEqual([]);
  });

  it('AES-192 is never chosen: Chromium cannot write it', () => {
    expect(acceptableAlgorithms(['aes192-cbc', 'aes128-cbc'], [oid('aes192-cbc'), oid('aes128-cbc')])).toEqual(['aes128-cbc']);
  });
});

describe('chooseContentCipher', () => {
  it('the first algorithm every recipient reads', () => {
    const choice = chooseContentCipher(defaults, [['aes256-gcm', 'aes256-cbc'], ['aes256-cbc']]);
    expect(choice).toEqual({ algorithm: 'aes256-cbc', cipher: 'aes-256-cbc', unreadableBy: [] });
    expect(chooseContentCipher(defaults, [['aes256-gcm', 'aes256-cbc'], ['aes256-gcm']])?.cipher).toBe('aes-256-gcm');
  });

  it('no recipient but the sender: the policy\'s first writable algorithm', () => {
    expect(chooseContentCipher(['aes192-cbc', 'aes128-gcm'], [])?.cipher).toBe('aes-128-gcm');
  });

  it('no common algorithm: the one most can read, and who cannot', () => {
    const choice = chooseContentCipher(defaults, [['aes256-gcm'], ['aes256-cbc'], ['aes256-cbc'], []]);
    expect(choice).toEqual({ algorithm: 'aes256-cbc', cipher: 'aes-256-cbc', unreadableBy: [0, 3] });
  });

  it('a policy of nothing writable gives no choice', () => {
    expect(chooseContentCipher(['aes192-cbc'], [['aes192-cbc']])).toBeUndefined();
    expect(chooseContentCipher([], [])).toBeUndefined();
  });
});
