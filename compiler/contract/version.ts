/** Herald's version, printed by `--version` and written into every manifest's metadata. */
export const HERALD_VERSION = '0.1.0';
/**
 * The manifest format version; bump on any breaking change to `schemas/manifest.schema.json`.
 * 2: every kind's `compiled` block has a schema, and the Workspace's carries the normalized
 * delivery, server and topic settings the runtime reads instead of the written spec.
 */
export const MANIFEST_VERSION = 2;
export const API_VERSIONS = ['herald/v1'] as const;
