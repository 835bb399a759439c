export const KINDS = ['Workspace', 'Source', 'Trait', 'Segment', 'Model', 'Template', 'Journey', 'Campaign', 'Test'] as const;
export type Kind = (typeof KINDS)[number];

export interface Metadata {
  name: string;
  description?: string;
  owner?: string;
  labels?: Record<string, string>;
}

/** `Kind/name`: the unique key of a definition in maps, the graph and the manifest. */
export type DefinitionKey = `${Kind}/${string}`;

export function definitionKey(kind: Kind, name: string): DefinitionKey {
  return `${kind}/${name}`;
}
