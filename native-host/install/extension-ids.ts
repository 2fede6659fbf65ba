/**
 * The extensions the native host serves (DESIGN.md invariant 3). The Chromium id follows
 * from the public "key" in manifest.json, so unpacked development builds and packed ones
 * share it; Firefox uses the gecko id the build writes into its manifest.
 */
export const CHROMIUM_EXTENSION_IDS: readonly string[] = ['beglfbkfegljnkmhdkjjekghmmefnefn'];

export const FIREFOX_EXTENSION_IDS: readonly string[] = ['cachet@cachet-smime.org'];
