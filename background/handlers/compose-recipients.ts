import type { Handler } from '../handler';
import type { BackgroundServices } from '../services';

export const composeRecipients = ({ composer }: BackgroundServices): Handler<'compose/recipients'> =>
  async ({ addresses }) => ({ recipients: await composer.recipients(addresses) });
