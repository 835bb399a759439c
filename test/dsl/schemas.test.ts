import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readSchema, SCHEMAS_DIR } from '../../compiler/schema/files.ts';
import { RULE_SCOPES } from '../../compiler/dsl/scope.ts';
import { parseRules } from '../../compiler/1-load/rules.ts';
import { documentsOf } from './support.ts';

/** Every `x-herald-rule` in every kind schema, with where it is. */
function ruleMarks(value: unknown, at: string, out: Array<[string, unknown]>): Array<[string, unknown]> {
  if (Array.isArray(value)) value.forEach((v, i) => ruleMarks(v, `${at}/${i}`, out));
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === 'x-herald-rule') out.push([at, v]);
      else ruleMarks(v, `${at}/${k}`, out);
    }
  }
  return out;
}

describe('x-herald-rule marks in the kind schemas', () => {
  it('name a known scope and sit on string fields', () => {
    for (const file of readdirSync(`${SCHEMAS_DIR}/kinds`).filter((f) => f.endsWith('.schema.json'))) {
      const schema = readSchema(`kinds/${file}`);
      for (const [at, scope] of ruleMarks(schema, file, [])) {
        expect(RULE_SCOPES, `${at}`).toContain(scope);
      }
    }
  });

  it('Trait and Segment rules are found in every place they can be written', () => {
    const parsed = parseRules(
      documentsOf(`kind: Trait
metadata: { name: t }
spec: { type: number, expression: "1 +" }
---
kind: Trait
metadata: { name: l }
spec:
  lifecycle:
    stages: [{ name: a, when: "x and" }, { name: b, when: y }]
    else: c
---
kind: Segment
metadata: { name: s }
spec: { where: "(", include: [a] }
`),
    );
    expect(parsed.rules.map((r) => [r.path.join('.'), r.scope, r.ast ? 'ok' : 'error'])).toEqual([
      ['spec.expression', 'customer', 'error'],
      ['spec.lifecycle.stages.0.when', 'customer', 'error'],
      ['spec.lifecycle.stages.1.when', 'customer', 'ok'],
      ['spec.where', 'customer', 'error'],
    ]);
    expect(parsed.diagnostics.map((d) => `${d.code} ${d.range!.start.line}:${d.range!.start.column}`)).toEqual([
      'HL134 3:39',
      'HL134 9:37',
      'HL134 14:18',
    ]);
  });
});
