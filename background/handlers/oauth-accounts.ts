import type { Handler } from '../handler';
import type { BackgroundServices } from '../services';

export const oauthAccounts = ({ oauthAccounts: accounts }: BackgroundServices): Handler<'oauth/accounts'> =>
  async () => ({ accounts: await accounts.view() });
