import type { Kind, Metadata } from '../contract/definition.ts';
import type { LoadedDocument } from './parse-file.ts';

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
