import type { Handler } from '../handler';
import type { BackgroundServices } from '../services';

/** Content scripts may ask this: it answers with a state per address, never certificate data. */
export const addressStatus = ({ addressBook }: BackgroundServices): Handler<'address/status'> =>
  async ({ addresses }) => ({ statuses: await addressBook.status(addresses) });
