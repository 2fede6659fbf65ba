import type { Handler } from '../handler';
import type { BackgroundServices } from '../services';

export const oauthSignIn = ({ oauthAccounts }: BackgroundServices): Handler<'oauth/sign-in'> =>
  async ({ provider }) => ({ accounts: await oauthAccounts.signIn(provider) });
