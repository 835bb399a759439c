import { describe, expect, it } from 'vitest';
import { analyze } from '../../compiler/3-analyze/index.ts';
import type { AnalyzeContext, KindAnalyzer } from '../../compiler/3-analyze/context.ts';
import { loadWorkspace, testSchemaOf, trustingValidate, WORKSPACE_YAML } from './support.ts';

const FILES = {
  'herald.yaml': WORKSPACE_YAML,
  'all.yaml': `apiVersion: herald/v1
kind: Segment
metadata:
  name: base
spec:
  live: true
---
apiVersion: herald/v1
kind: Segment
metadata:
  name: rule_user
spec:
  live: true
  where: in_segment(base) and in_segment(bsae)
---
apiVersion: herald/v1
kind: Template
metadata:
  name: hello
spec: {}
`,
};

function run(analyzers: Array<readonly ['Segment' | 'Template', KindAnalyzer]>) {
  const loaded = loadWorkspace(FILES);
  return analyze(loaded, trustingValidate(loaded), { specSchemaOf: testSchemaOf, kindAnalyzers: analyzers });
}

describe('the context kind analyzers get', () => {
  it('resolves references made by analyzers into edges, and reports unknown ones at the given range', () => {
    const analyzer: KindAnalyzer = (def, ctx) => {
      const where = (def.spec as { where?: string }).where;
      if (!where) return undefined;
      for (const m of where.matchAll(/in_segment\((\w+)\)/g)) {
        const range = ctx.rangeOf(def, ['spec', 'where'])!;
        ctx.reference(def, 'Segment', m[1]!, range);
      }
      return { checked: true };
    };
    const result = run([['Segment', analyzer]]);
    expect(result.dependencies.get('Segment/rule_user')).toEqual(['Segment/base']);
    expect(result.dependents.get('Segment/base')).toEqual(['Segment/rule_user']);
    expect(result.diagnostics.map((d) => [d.code, d.message, d.help, d.range?.start.line, d.range?.start.column])).toEqual([
      ['HL302', 'unknown Segment "bsae" referenced by segment rule_user', 'did you mean "base"?', 14, 10],
    ]);
    expect(result.facts.get('Segment/rule_user')).toEqual({ checked: true });
    expect(result.facts.has('Template/hello')).toBe(false);
  });

  it('lets later kinds read facts of earlier ones, and gives lookups and kinds', () => {
    let seen: unknown;
    let ctxSeen: AnalyzeContext | undefined;
    run([
      ['Segment', (def) => ({ name: def.name })],
      [
        'Template',
        (_def, ctx) => {
          seen = ctx.factsOf('Segment/base');
          ctxSeen = ctx;
          return undefined;
        },
      ],
    ]);
    expect(seen).toEqual({ name: 'base' });
    expect(ctxSeen!.byKind('Segment').map((d) => d.name)).toEqual(['base', 'rule_user']);
    expect(ctxSeen!.lookup('Template', 'hello')?.name).toBe('hello');
    expect(ctxSeen!.lookup('Segment', 'hello')).toBeUndefined();
    const def = ctxSeen!.lookup('Segment', 'rule_user')!;
    expect(ctxSeen!.rangeOf(def, ['spec', 'live'], { key: true })?.start).toMatchObject({ line: 13, column: 3 });
  });

  it('turns a crashing analyzer into HL305 at the definition and keeps analyzing the others', () => {
    const result = run([
      [
        'Segment',
        (def) => {
          if (def.name === 'base') throw new Error('unexpected shape');
          return 'ok';
        },
      ],
    ]);
    expect(result.diagnostics.map((d) => [d.code, d.message, d.file, d.range?.start.line])).toEqual([
      ['HL305', 'internal error while analyzing segment base: unexpected shape', 'all.yaml', 4],
    ]);
    expect(result.facts.get('Segment/rule_user')).toBe('ok');
  });

  it('skips kind analyzers without a valid workspace (their rule errors would all be cascades)', () => {
    const loaded = loadWorkspace(FILES);
    const validated = { ...trustingValidate(loaded), dataModel: undefined, workspace: undefined };
    let called = false;
    analyze(loaded, validated, { specSchemaOf: testSchemaOf, kindAnalyzers: [['Segment', () => void (called = true)]] });
    expect(called).toBe(false);
  });
});
