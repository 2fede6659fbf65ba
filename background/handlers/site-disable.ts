import type { Handler } from '../handler';
import type { BackgroundServices } from '../services';

export const siteDisable = ({ siteAccess }: BackgroundServices): Handler<'site/disable'> =>
  ({ origin }) => siteAccess.disable(origin);
