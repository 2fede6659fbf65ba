import type { Handler } from '../handler';
import type { BackgroundServices } from '../services';

export const identitiesList = ({ identities }: BackgroundServices): Handler<'identities/list'> =>
  async () => ({ identities: await identities.list() });
