import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { load, type LoadResult } from '../../compiler/1-load/index.ts';
import type { Diagnostic } from '../../compiler/diagnostics/diagnostic.ts';
import type { ValidateResult } from '../../compiler/2-validate/index.ts';
import type { JsonSchema } from '../../compiler/schema/files.ts';
import type { DataModel } from '../../compiler/contract/data-model.ts';
import { KINDS, type Kind } from '../../compiler/contract/definition.ts';
import type { Definition } from '../../compiler/1-load/definition.ts';
import type { DiagnosticCode } from '../../compiler/contract/diagnostic.ts';

/** Writes `files` (relative path -> text) into a fresh temporary workspace and returns its path. */
export function writeWorkspace(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'herald-analyze-'));
  for (const [path, text] of Object.entries(files)) {
    const abs = join(root, path);
    mkdirSync(dirname(abs), { recursive: true });
    writeFileSync(abs, text);
  }
  return root;
}

export const EMPTY_DATA_MODEL: DataModel = { customers: { fields: {}, mergeByEmail: false }, events: {}, items: { fields: {} } };

/**
 * A stand-in for phase 2 that trusts every well-formed envelope: analyze's tests stay independent
 * of how strict the kind schemas are. Documents listed in `reject` (by `Kind/name`) are treated as
 * having failed validation.
 */
export function trustingValidate(loaded: LoadResult, reject: string[] = []): ValidateResult {
  const definitions: Definition[] = [];
  let workspace: Definition | undefined;
  const rejected: Diagnostic[] = [];
  for (const doc of loaded.documents) {
    const v = doc.value as { apiVersion?: string; kind?: string; metadata?: { name?: string }; spec?: Record<string, unknown> };
    if (!v || typeof v.kind !== 'string' || !(KINDS as readonly string[]).includes(v.kind)) continue;
    const name = v.metadata?.name;
    if (typeof name !== 'string') continue;
    if (reject.includes(`${v.kind}/${name}`)) {
      rejected.push({
        code: 'TEST' as DiagnosticCode,
        severity: 'error',
        message: `${v.kind}/${name} rejected by the test`,
        file: doc.file.path,
      });
      continue;
    }
    const def: Definition = {
      apiVersion: v.apiVersion ?? 'herald/v1',
      kind: v.kind as Kind,
      name,
      metadata: v.metadata as Definition['metadata'],
      spec: v.spec ?? {},
      doc,
    };
    if (def.kind === 'Workspace') workspace = def;
    else definitions.push(def);
  }
  return { workspace, dataModel: workspace ? EMPTY_DATA_MODEL : undefined, definitions, diagnostics: rejected };
}

/** Spec schemas for tests: which fields name other definitions, independent of the real schemas. */
export const TEST_SCHEMAS: Partial<Record<Kind, JsonSchema>> = {
  Segment: {
    type: 'object',
    properties: {
      include: { type: 'array', items: { type: 'string', 'x-herald-ref': 'Segment' } },
      exclude: { type: 'array', items: { type: 'string', 'x-herald-ref': 'Segment' } },
      live: { type: 'boolean', default: false },
    },
  },
  Campaign: {
    type: 'object',
    properties: {
      audience: { type: 'string', 'x-herald-ref': 'Segment' },
      template: { type: 'string', 'x-herald-ref': 'Template' },
    },
  },
  Test: {
    type: 'object',
    properties: { template: { type: 'string', 'x-herald-ref': 'Template' } },
  },
};

export const testSchemaOf = (kind: Kind) => TEST_SCHEMAS[kind];

export function loadWorkspace(files: Record<string, string>): LoadResult {
  return load(writeWorkspace(files));
}

export const WORKSPACE_YAML = 'apiVersion: herald/v1\nkind: Workspace\nmetadata:\n  name: shop\nspec: {}\n';
