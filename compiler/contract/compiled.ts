/**
 * The `compiled` block of each definition kind, in one table: the source of truth for both the
 * TypeScript types and the manifest's JSON Schema. `scripts/manifest-schema.ts` derives the
 * schema's `compiled` definitions (schemas/manifest.schema.json) from these types, and
 * test/contract/compiled-schema.test.ts fails when the committed schema is not current.
 */
import type { CompiledSegment, CompiledTrait } from './compiled-sql.ts';
import type { CompiledCampaign, CompiledJourney, CompiledTest } from './journey.ts';
import type { CompiledWorkspace } from './manifest.ts';
import type { ModelJobSpec } from './model-job.ts';
import type { SourceBlock } from './source.ts';
import type { CompiledTemplate } from './template.ts';
import type { Kind } from './definition.ts';

/** Kind → the shape of its definitions' `compiled` block in the manifest. */
export interface CompiledByKind {
  Workspace: CompiledWorkspace;
  Source: SourceBlock;
  Trait: CompiledTrait;
  Segment: CompiledSegment;
  Model: ModelJobSpec;
  Template: CompiledTemplate;
  Journey: CompiledJourney;
  Campaign: CompiledCampaign;
  Test: CompiledTest;
}

/** A kind's compiled block (indexing by every Kind fails to compile when a kind has no entry). */
export type CompiledOf<K extends Kind> = CompiledByKind[K];
