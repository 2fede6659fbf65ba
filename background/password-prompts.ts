/**
 * Passwords (a mail account's, the directory's bind password) are typed only in Cachet's
 * password page, in a window of its own: never in the webmail page, and never in a framed
 * Cachet page, which the webmail could cover with a look-alike field (the PIN page's rule,
 * B19). The mail transport or the directory asks; this registry opens the page and hands
 * its answer back to whoever asked, and nowhere else.
 */
import { CachetError, type ErrorCode } from '../src/errors';
import type { PasswordAnswer, PasswordPromptInfo, PasswordPurpose } from '../src/protocol/runtime';

export interface PasswordPrompts {
  /**
   * Resolves with what the user typed; rejects when they cancel or walk away. `site` is
   * the webmail origin of a mail account, or the directory's URL.
   */
  ask(site: string, user: string | null, failed: boolean, purpose?: PasswordPurpose): Promise<PasswordAnswer>;
  info(promptId: string): PasswordPromptInfo;
  provide(promptId: string, answer: PasswordAnswer): void;
  cancel(promptId: string): void;
}

/** Long enough to find the password, short enough that a forgotten window ends the send. */
const answerTimeoutMs = 5 * 60_000;
const maxOpenPrompts = 8;

interface Open {
  readonly info: PasswordPromptInfo;
  readonly resolve: (answer: PasswordAnswer) => void;
  readonly reject: (error: CachetError) => void;
}

/** What a password that never came means to whoever asked for it. */
const unanswered: Readonly<Record<PasswordPurpose, { readonly code: ErrorCode; readonly cancelled: string; readonly missing: (site: string) => string }>> = {
  'mail-account': {
    code: 'mail/password-needed',
    cancelled: 'the password was not given: nothing was sent',
    missing: (site) => `no password was given for the mail account of ${site}`,
  },
  directory: {
    code: 'directory/password-needed',
    cancelled: 'the directory password was not given, so the directory was not searched',
    missing: (site) => `no password was given for the directory ${site}`,
  },
};

export function createPasswordPrompts(openPage: (promptId: string) => Promise<void>, randomId: () => string): PasswordPrompts {
  const open = new Map<string, Open>();

  function known(promptId: string): Open {
    const entry = open.get(promptId);
    if (entry === undefined) throw new CachetError('input/invalid', 'this password request is no longer open');
    return entry;
  }

  return {
    ask(site, user, failed, purpose = 'mail-account') {
      if (open.size >= maxOpenPrompts) return Promise.reject(new CachetError('input/invalid', 'too many open password requests'));
      const promptId = randomId();
      const { code, missing } = unanswered[purpose];
      return new Promise<PasswordAnswer>((resolve, reject) => {
        const timer = setTimeout(() => {
          open.delete(promptId);
          reject(new CachetError(code, missing(site)));
        }, answerTimeoutMs);
        const settle = () => {
          clearTimeout(timer);
          open.delete(promptId);
        };
        open.set(promptId, {
          info: { purpose, site, user, failed },
          resolve: (answer) => {
            settle();
            resolve(answer);
          },
          reject: (error) => {
            settle();
            reject(error);
          },
        });
        openPage(promptId).catch((error: unknown) => {
          settle();
          reject(new CachetError(code, `the password window could not open: ${error instanceof Error ? error.message : String(error)}`));
        });
      });
    },
    info: (promptId) => known(promptId).info,
    provide(promptId, answer) {
      known(promptId).resolve(answer);
    },
    cancel(promptId) {
      const entry = known(promptId);
      const { code, cancelled } = unanswered[entry.info.purpose];
      entry.reject(new CachetError(code, cancelled));
    },
  };
}
