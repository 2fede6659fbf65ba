/**
 * Words for the security phrase Cachet draws on first use (security-indicator-store.ts):
 * short, concrete and easy to recognise at a glance. Exactly 64, so that six random bits
 * pick one without bias.
 */
export const INDICATOR_WORDS: readonly string[] = [
  'amber', 'anchor', 'apple', 'arrow', 'aspen', 'badger', 'basil', 'beacon',
  'birch', 'bison', 'breeze', 'brook', 'cactus', 'canyon', 'cedar', 'cherry',
  'cloud', 'clover', 'comet', 'coral', 'cotton', 'crane', 'dune', 'ember',
  'falcon', 'fern', 'fjord', 'forest', 'garnet', 'glacier', 'harbour', 'hazel',
  'heron', 'honey', 'indigo', 'island', 'ivy', 'jade', 'juniper', 'kettle',
  'lagoon', 'lantern', 'lemon', 'lily', 'maple', 'meadow', 'meteor', 'mint',
  'moss', 'nectar', 'oak', 'ocean', 'olive', 'orchid', 'otter', 'pebble',
  'pepper', 'pine', 'plum', 'quartz', 'raven', 'river', 'saffron', 'willow',
];
