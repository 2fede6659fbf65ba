import type { Handler } from '../handler';
import type { BackgroundServices } from '../services';

export const trustRemove = ({ trust }: BackgroundServices): Handler<'trust/remove'> =>
  ({ list, fingerprint }) => trust.remove(list, fingerprint);
