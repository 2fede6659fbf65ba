import type { Handler } from '../handler';
import type { BackgroundServices } from '../services';

export const siteStatus = ({ siteAccess }: BackgroundServices): Handler<'site/status'> =>
  ({ origin }) => siteAccess.status(origin);
