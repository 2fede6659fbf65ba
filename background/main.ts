// Service worker entry: the composition root. It wires the router, handlers, the native
// client and the stores together as they are added; nothing else belongs here.
export {};
