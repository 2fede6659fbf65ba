import type { Handler } from '../handler';
import type { BackgroundServices } from '../services';

export const identitiesSetDefault = ({ defaultIdentity }: BackgroundServices): Handler<'identities/set-default'> =>
  ({ id }) => defaultIdentity.choose(id);
