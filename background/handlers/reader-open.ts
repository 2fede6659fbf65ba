import { base64ToBytes } from '../../src/protocol/runtime-bytes';
import type { Handler } from '../handler';
import { sessionOwner } from '../reader/session-owner';
import type { BackgroundServices } from '../services';

export const readerOpen = ({ reader }: BackgroundServices): Handler<'reader/open'> =>
  ({ data }, sender) => reader.open(base64ToBytes(data), sessionOwner(sender));
