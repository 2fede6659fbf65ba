import { base64ToBytes } from '../../src/protocol/runtime-bytes';
import type { Handler } from '../handler';
import type { BackgroundServices } from '../services';

export const trustAdd = ({ trust }: BackgroundServices): Handler<'trust/add'> =>
  ({ list, data }) => trust.add(list, base64ToBytes(data));
