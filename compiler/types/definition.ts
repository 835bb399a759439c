import type { LoadedDocument } from '../1-load/parse-file.ts';

export const KINDS = ['Workspace', 'Source', 'Trait', 'Segment', 'Model', 'Template', 'Journey', 'Campaign', 'Test'] as const;
export type Kind = (typeof KINDS)[number];

export interface Metadata {
  name: string;
  description?: string;
  owner?: string;
  labels?: Record<string, string>;
}

/** A document that passed schema validation: the envelope split out, the spec still as written. */
export interface Definition<Spec = Record<string, unknown>> {
  apiVersion: string;
  kind: Kind;
  name: string;
  metadata: Metadata;
  spec: Spec;
  /** The document it came from, for positions. Never mutated by later phases. */
  doc: LoadedDocument;
}

/** `Kind/name`: the unique key of a definition in maps, the graph and the manifest. */
export type DefinitionKey = `${Kind}/${string}`;

export function definitionKey(kind: Kind, name: string): DefinitionKey {
  return `${kind}/${name}`;
}
