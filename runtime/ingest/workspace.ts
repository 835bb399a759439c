import type { Manifest } from '../../compiler/contract/manifest.ts';
import type { Database } from '../db/database.ts';
import { ingestSources, type IngestOptions } from './ingest.ts';
import { compileRowRule } from './row-rules.ts';
import type { SourceBlock } from '../../compiler/contract/source.ts';
import type { IngestSummary } from './summary.ts';

export interface WorkspaceIngestOptions {
  /** Migrated and synced with the manifest's data model (cli/workspace-runtime.ts openWorkspace does both). */
  db: Database;
  manifest: Manifest;
  /** The workspace root: Source file patterns are relative to it. */
  root: string;
  /** Only these sources (by name). */
  only?: string[];
  now?: () => number;
  onProgress?: IngestOptions['onProgress'];
}

/** The Source blocks of a manifest, in name order (the order they load in). */
export function manifestSources(manifest: Manifest): SourceBlock[] {
  return Object.values(manifest.definitions)
    .filter((d) => d.kind === 'Source' && d.compiled !== undefined)
    .map((d) => d.compiled as SourceBlock)
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Loads every Source of a compiled workspace; returns the run's summary (see IngestSummary). */
export function ingestWorkspace(options: WorkspaceIngestOptions): Promise<IngestSummary> {
  const base: IngestOptions = {
    db: options.db,
    root: options.root,
    dataModel: options.manifest.dataModel,
    sources: manifestSources(options.manifest),
    compileRule: compileRowRule,
  };
  if (options.only) base.only = options.only;
  if (options.now) base.now = options.now;
  if (options.onProgress) base.onProgress = options.onProgress;
  return ingestSources(base);
}
