/** The DOM event by which Cachet's content script tells its page-world script (page-world.ts) a message was sent. */
export const messageSentEvent = 'cachet:message-sent';
