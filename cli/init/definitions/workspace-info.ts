import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { runPipeline } from '../../../compiler/index.ts';
import { KINDS, type Kind } from '../../../compiler/contract/definition.ts';
import type { DataModel, FieldDef } from '../../../compiler/contract/data-model.ts';
import type { Manifest } from '../../../compiler/contract/manifest.ts';
import { readSampleData } from '../../../runtime/render/index.ts';

/** What `herald new` knows about the workspace it adds to, for sensible defaults and name checks. */
export interface WorkspaceInfo {
  root: string;
  dataModel?: DataModel;
  /** Names in use per kind, with the file that has each (documents that fail validation count too). */
  names: Map<Kind, Map<string, string>>;
  /** The compiled workspace, when it has no errors (journeys' shapes, for tests); compiled on first use. */
  manifest(): Manifest | undefined;
  /** templates/layouts/base.mjml, when the workspace has that layout. */
  layout?: string;
  /** data/sample.yaml and its first customers' ids, when the workspace has preview data there. */
  sample?: { path: string; customers: string[] };
}

export function inspectWorkspace(root: string): WorkspaceInfo {
  const result = runPipeline(root, { emit: false });
  const names = new Map<Kind, Map<string, string>>(KINDS.map((k) => [k, new Map()]));
  for (const doc of result.loaded.documents) {
    const value = doc.value as { kind?: unknown; metadata?: { name?: unknown } } | null;
    const kind = value?.kind;
    const name = value?.metadata?.name;
    if (typeof kind === 'string' && typeof name === 'string' && names.has(kind as Kind)) names.get(kind as Kind)!.set(name, doc.file.path);
  }
  let compiled: { manifest: Manifest | undefined } | undefined;
  const info: WorkspaceInfo = {
    root,
    names,
    manifest: () => (compiled ??= { manifest: runPipeline(root, { emit: true }).emitted?.manifest }).manifest,
  };
  if (result.validated?.dataModel) info.dataModel = result.validated.dataModel;
  if (existsSync(join(root, 'templates', 'layouts', 'base.mjml'))) info.layout = 'layouts/base.mjml';
  const samplePath = join(root, 'data', 'sample.yaml');
  if (existsSync(samplePath)) {
    try {
      info.sample = {
        path: 'data/sample.yaml',
        customers: readSampleData(samplePath, root)
          .customers.slice(0, 2)
          .map((c) => String(c.id)),
      };
    } catch {
      // Unreadable preview data is left out of new templates.
    }
  }
  return info;
}

export function namesOf(info: WorkspaceInfo, kind: Kind): string[] {
  return [...(info.names.get(kind)?.keys() ?? [])].sort();
}

export function customerField(info: WorkspaceInfo, name: string): FieldDef | undefined {
  return info.dataModel?.customers.fields[name];
}

/** The event type a new rule or journey is most likely about: a purchase, else the first one. */
export function likelyEvent(info: WorkspaceInfo, preferred: readonly string[] = ['purchase', 'order']): string | undefined {
  const events = Object.keys(info.dataModel?.events ?? {});
  return preferred.find((e) => events.includes(e)) ?? events[0];
}

/** A numeric property of an event type (an amount, for monetary features and traits). */
export function amountOf(info: WorkspaceInfo, event: string): string | undefined {
  const props = info.dataModel?.events[event] ?? {};
  const numeric = Object.entries(props)
    .filter(([, f]) => f.type === 'number')
    .map(([n]) => n);
  return numeric.find((n) => /amount|total|value|revenue|price/.test(n)) ?? numeric[0];
}

/** A YAML scalar: plain when YAML reads it back as the same string, else double-quoted (JSON escapes are YAML's). */
export function yamlString(value: string): string {
  const plain =
    value !== '' &&
    value.trim() === value &&
    !/^[-?:,[\]{}#&*!|>'"%@`]/.test(value) &&
    !/: |\s#|[\n\t]/.test(value) &&
    !value.endsWith(':') &&
    !/^(true|false|null|yes|no|on|off|~|[-+]?(\d[\d_]*(\.\d*)?|\.\d+)([eE][-+]?\d+)?)$/i.test(value);
  return plain ? value : JSON.stringify(value);
}
