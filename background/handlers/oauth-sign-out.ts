import type { Handler } from '../handler';
import type { BackgroundServices } from '../services';

export const oauthSignOut = ({ oauthAccounts }: BackgroundServices): Handler<'oauth/sign-out'> =>
  ({ provider }) => oauthAccounts.signOut(provider);
