import { kindSpecSchema, type JsonSchema } from '../schema/files.ts';
import { findMarked } from '../schema/walk.ts';
import { KINDS, type Kind } from '../contract/definition.ts';
import type { Definition } from '../1-load/definition.ts';
import type { AnalyzeContext } from './context.ts';

/** Reads a kind's spec schema; injectable so tests can analyze against schemas of their own. */
export type SpecSchemaOf = (kind: Kind) => JsonSchema | undefined;

/** schemas/kinds/<kind>.schema.json; undefined for a kind without a schema file. */
export const defaultSpecSchema: SpecSchemaOf = (kind) => {
  try {
    return kindSpecSchema(kind);
  } catch {
    return undefined;
  }
};

/**
 * Resolves every value marked `x-herald-ref: "<Kind>"` in a definition's spec: the schemas say
 * which fields name other definitions, so no kind needs its own code for it. A marked value may be
 * a name or a list of names; a mark may list several kinds (`["Segment", "Model"]`), in which case
 * the first kind that has the name wins.
 */
export function resolveMarkedReferences(def: Definition, ctx: AnalyzeContext, specSchemaOf: SpecSchemaOf): void {
  const schema = specSchemaOf(def.kind);
  if (!schema) return;
  for (const marked of findMarked(schema, def.spec, 'x-herald-ref', ['spec'])) {
    const kinds = markedKinds(marked.mark);
    if (kinds.length === 0) continue;
    if (typeof marked.value === 'string') {
      resolveOne(def, ctx, kinds, marked.value, marked.path);
    } else if (Array.isArray(marked.value)) {
      marked.value.forEach((item, i) => {
        if (typeof item === 'string') resolveOne(def, ctx, kinds, item, [...marked.path, i]);
      });
    }
  }
}

function resolveOne(def: Definition, ctx: AnalyzeContext, kinds: Kind[], name: string, path: Array<string | number>): void {
  const kind = kinds.find((k) => ctx.lookup(k, name) !== undefined) ?? kinds[0]!;
  ctx.reference(def, kind, name, path);
}

function markedKinds(mark: unknown): Kind[] {
  const list = Array.isArray(mark) ? mark : [mark];
  return list.filter((k): k is Kind => typeof k === 'string' && (KINDS as readonly string[]).includes(k));
}
