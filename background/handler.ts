import type { Req, Res, RuntimeCommand } from '../src/protocol/runtime';
import type { SenderClass } from './sender';

/** One command's implementation; it receives a validated request and the classified sender. */
export type Handler<K extends RuntimeCommand> = (req: Req<K>, sender: SenderClass) => Promise<Res<K>>;

export type Handlers = { readonly [K in RuntimeCommand]: Handler<K> };
