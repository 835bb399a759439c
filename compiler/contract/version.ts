/** Herald's version, printed by `--version` and written into every manifest's metadata. */
export const HERALD_VERSION = '0.1.0';
/** The manifest format version; bump on any breaking change to `schemas/manifest.schema.json`. */
export const MANIFEST_VERSION = 1;
export const API_VERSIONS = ['herald/v1'] as const;
