/**
 * Mail account passwords are typed only in Cachet's password page, in a window of its
 * own: never in the webmail page, and never in a framed Cachet page, which the webmail
 * could cover with a look-alike field (the PIN page's rule, B19). The transport asks; this
 * registry opens the page and hands its answer back to the transport, and nowhere else.
 */
import { CachetError } from '../src/errors';
import type { PasswordAnswer, PasswordPromptInfo } from '../src/protocol/runtime';

export interface PasswordPrompts {
  /** Resolves with what the user typed; rejects when they cancel or walk away. */
  ask(site: string, user: string | null, failed: boolean): Promise<PasswordAnswer>;
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

export function createPasswordPrompts(openPage: (promptId: string) => Promise<void>, randomId: () => string): PasswordPrompts {
  const open = new Map<string, Open>();

  function known(promptId: string): Open {
    const entry = open.get(promptId);
    if (entry === undefined) throw new CachetError('input/invalid', 'this password request is no longer open');
    return entry;
  }

  return {
    ask(site, user, failed) {
      if (open.size >= maxOpenPrompts) return Promise.reject(new CachetError('input/invalid', 'too many open password requests'));
      const promptId = randomId();
      return new Promise<PasswordAnswer>((resolve, reject) => {
        const timer = setTimeout(() => {
          open.delete(promptId);
          reject(new CachetError('mail/password-needed', `no password was given for the mail account of ${site}`));
        }, answerTimeoutMs);
        const settle = () => {
          clearTimeout(timer);
          open.delete(promptId);
        };
        open.set(promptId, {
          info: { site, user, failed },
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
          reject(new CachetError('mail/password-needed', `the password window could not open: ${error instanceof Error ? error.message : String(error)}`));
        });
      });
    },
    info: (promptId) => known(promptId).info,
    provide(promptId, answer) {
      known(promptId).resolve(answer);
    },
    cancel(promptId) {
      known(promptId).reject(new CachetError('mail/password-needed', 'the password was not given: nothing was sent'));
    },
  };
}
