import type { Handler } from '../handler';
import type { BackgroundServices } from '../services';

/** Locked keys and invalid values are refused by the store with 'policy/locked' / 'input/invalid'. */
export const policySetUser = ({ policy }: BackgroundServices): Handler<'policy/set-user'> =>
  ({ key, value }) => policy.setUser(key, value);
