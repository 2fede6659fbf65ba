import type { Handler } from '../handler';
import type { BackgroundServices } from '../services';

export const policyGet = ({ policy }: BackgroundServices): Handler<'policy/get'> => () => policy.view();
