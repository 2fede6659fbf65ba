import type { Handler } from '../handler';
import type { BackgroundServices } from '../services';

export const siteEnable = ({ siteAccess }: BackgroundServices): Handler<'site/enable'> =>
  ({ origin }) => siteAccess.enable(origin);
