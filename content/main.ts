// Content script entry: picks the adapter for the current webmail and mounts Cachet's
// controls. Adapters arrive with the webmail issue; until then nothing is mounted.
export {};
