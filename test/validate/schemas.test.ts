import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { shippedSchemas, validate } from '../../compiler/2-validate/index.ts';
import { kindSchemaId, SCHEMA_BASE_URI, SchemaRegistry } from '../../compiler/2-validate/schema-registry.ts';
import { SCHEMAS_DIR } from '../../compiler/schema/files.ts';
import { load } from '../../compiler/1-load/index.ts';
import { FIELD_TYPES } from '../../compiler/contract/data-model.ts';
import { KINDS } from '../../compiler/contract/definition.ts';
import { API_VERSIONS } from '../../compiler/contract/version.ts';

type Schema = Record<string, any>;
const read = (rel: string): Schema => JSON.parse(readFileSync(join(SCHEMAS_DIR, rel), 'utf8'));

/** Every subschema found under `properties` (what an editor shows on hover) lacking a description. */
function undocumented(schema: unknown, path = '#'): string[] {
  if (typeof schema !== 'object' || schema === null) return [];
  const out: string[] = [];
  const s = schema as Schema;
  for (const [key, value] of Object.entries(s)) {
    if (key === 'properties' && typeof value === 'object') {
      for (const [name, sub] of Object.entries(value as Schema)) {
        if (typeof (sub as Schema).description !== 'string') out.push(`${path}/properties/${name}`);
      }
    }
    if (typeof value === 'object') out.push(...undocumented(value, `${path}/${key}`));
  }
  return out;
}

describe('schemas', () => {
  it('the envelope names exactly the versions and kinds the code knows', () => {
    const envelope = read('envelope.schema.json');
    expect(envelope.properties.apiVersion.enum).toEqual([...API_VERSIONS]);
    expect(envelope.properties.kind.enum).toEqual([...KINDS]);
  });

  it('the workspace field types are the data model field types', () => {
    expect(read('kinds/workspace.schema.json').definitions.fieldType.enum).toEqual([...FIELD_TYPES]);
  });

  it('herald.schema.json dispatches every kind to its spec schema', () => {
    const combined = read('herald.schema.json');
    const byKind = new Map<string, string>();
    for (const part of combined.allOf.slice(1)) byKind.set(part.if.properties.kind.const, part.then.properties.spec.$ref);
    expect([...byKind.keys()]).toEqual([...KINDS]);
    for (const kind of KINDS) expect(byKind.get(kind)).toBe(`kinds/${kind.toLowerCase()}.schema.json`);
  });

  it('herald.schema.json checks a whole document: envelope and spec', () => {
    const validate = shippedSchemas().validator(`${SCHEMA_BASE_URI}herald.schema.json`);
    if (validate instanceof Error) throw validate;
    const doc = {
      apiVersion: 'herald/v1',
      kind: 'Workspace',
      metadata: { name: 'shop' },
      spec: { customers: { fields: { email: 'email' } } },
    };
    expect(validate(doc)).toBe(true);
    expect(validate({ ...doc, spec: { customers: { fields: { email: 'mail' } } } })).toBe(false);
    expect(validate({ ...doc, metadata: { name: 'Shop' } })).toBe(false);
  });

  it('every property of the envelope and workspace schemas has a description (editors show it on hover)', () => {
    for (const file of ['envelope.schema.json', 'kinds/workspace.schema.json']) expect(undocumented(read(file)), file).toEqual([]);
  });

  it('every shipped kind schema compiles in strict mode', () => {
    const registry = shippedSchemas();
    const broken = KINDS.map((k) => [k, registry.validator(kindSchemaId(k))] as const).filter(([, v]) => v instanceof Error);
    expect(broken.map(([k, v]) => `${k}: ${(v as Error).message}`)).toEqual([]);
  });

  it('accepts the annotation keywords x-herald-rule and x-herald-ref, and any other x- keyword', () => {
    const segment = {
      $schema: 'http://json-schema.org/draft-07/schema#',
      $id: 'https://herald.dev/schemas/kinds/segment.schema.json',
      type: 'object',
      properties: {
        where: { description: 'rule', type: 'string', 'x-herald-rule': 'customer' },
        uses: { description: 'ref', type: 'string', 'x-herald-ref': 'Segment', 'x-herald-future': true },
      },
    };
    const registry = new SchemaRegistry(SCHEMAS_DIR, new Map([['kinds/segment.schema.json', segment]]));
    const v = registry.validator(kindSchemaId('Segment'));
    expect(v).not.toBeInstanceOf(Error);
    expect((v as Exclude<typeof v, Error>)({ where: 'true', uses: 'x' })).toBe(true);
  });

  it("the flagship workspace's herald.yaml is valid and its data model normalized", () => {
    const validated = validate(load(join(SCHEMAS_DIR, '..', 'campaigns')));
    expect(validated.diagnostics.filter((d) => d.file === 'herald.yaml')).toEqual([]);
    expect(validated.dataModel?.customers.fields.email).toEqual({ type: 'email', pii: true });
    expect(validated.dataModel?.customers.fields.country).toEqual({ type: 'string' });
    expect(Object.keys(validated.dataModel?.events ?? {})).toContain('purchase');
  });
});
