// Runs in the webmail page's own JavaScript world, where the page's "leave without saving?"
// handler lives (an isolated world cannot clear it). It does one thing: once Cachet's
// content script says the secure message was sent, it drops that handler, which guards a
// draft that is gone. A page that fires the event itself only drops its own prompt. It
// reads nothing and holds nothing; all of Cachet's work stays in the isolated world.
import { messageSentEvent } from './page-world-events';

document.addEventListener(messageSentEvent, () => {
  window.onbeforeunload = null;
});
