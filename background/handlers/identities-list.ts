import type { Handler } from '../handler';
import type { BackgroundServices } from '../services';

export const identitiesList = ({ defaultIdentity }: BackgroundServices): Handler<'identities/list'> =>
  () => defaultIdentity.list();
