import type { Handler } from '../handler';
import type { BackgroundServices } from '../services';

export const policyResetUser = ({ policy }: BackgroundServices): Handler<'policy/reset-user'> =>
  ({ key }) => policy.resetUser(key);
