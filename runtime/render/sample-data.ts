import { dirname, resolve } from 'node:path';
import { readWorkspaceTextOrThrow } from '../../compiler/files/workspace-files.ts';
import { parse } from 'yaml';
import type { PurchaseLike } from './popularity.ts';

/**
 * Preview data for templates when there is no database yet: a YAML or JSON file with
 * `customers`, `items`, and optionally `events`, `traits`, `segments`, `scores`, `tiers` and
 * `recommendations` (the last five keyed by customer id).
 */
export interface SampleData {
  customers: Array<Record<string, unknown>>;
  items: Array<Record<string, unknown>>;
  events: PurchaseLike[];
  traits: Record<string, Record<string, unknown>>;
  segments: Record<string, string[]>;
  scores: Record<string, Record<string, number>>;
  tiers: Record<string, Record<string, string>>;
  recommendations: Record<string, string[]>;
}

export class SampleDataError extends Error {}

/**
 * Reads sample data named by a workspace (`root` is the workspace: the file must resolve inside it
 * and be a regular file), or a file given on the command line (checked against its own folder).
 */
export function readSampleData(path: string, root: string = dirname(resolve(path))): SampleData {
  let raw: unknown;
  try {
    raw = parse(readWorkspaceTextOrThrow(root, resolve(path), path));
  } catch (e) {
    throw new SampleDataError(`cannot read sample data: ${(e as Error).message.split('\n')[0]}`);
  }
  if (typeof raw !== 'object' || raw === null || !Array.isArray((raw as SampleData).customers)) {
    throw new SampleDataError(`sample data ${path} needs a "customers" list`);
  }
  const r = raw as Partial<SampleData>;
  return {
    customers: r.customers ?? [],
    items: Array.isArray(r.items) ? r.items : [],
    events: Array.isArray(r.events) ? r.events : [],
    traits: r.traits ?? {},
    segments: r.segments ?? {},
    scores: r.scores ?? {},
    tiers: r.tiers ?? {},
    recommendations: r.recommendations ?? {},
  };
}
