// Content script entry: picks the adapter for the current webmail and mounts Cachet's
// controls. It runs only where the user granted Cachet the site; where no adapter
// recognises the page, it does nothing at all.
import { genericAdapter } from './adapters/generic/adapter';
import { pickAdapter } from './pick-adapter';

const adapter = pickAdapter([genericAdapter], document);
adapter?.mount(document);
