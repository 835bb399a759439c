import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compileSide } from '../../cli/plan/compile-side.ts';
import { compiledTemplate } from '../../cli/plan/impacts.ts';
import { renderTemplateEvidence } from '../../cli/plan/evidence/render-samples.ts';
import { unifiedDiff } from '../../cli/plan/evidence/text-diff.ts';
import { stopMjmlWorker } from '../../compiler/3-analyze/templates/index.ts';
import { SHOP } from './support/repo.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  stopMjmlWorker();
});

describe('rendered evidence', () => {
  it('replaces personal fields, and traits computed from them, by placeholders', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'herald-plan-evidence-'));
    dirs.push(dir);
    cpSync(SHOP, dir, { recursive: true });
    writeFileSync(
      join(dir, 'greeting.yaml'),
      `apiVersion: herald/v1
kind: Trait
metadata: { name: short_name }
spec: { type: string, expression: lower(first_name) }
---
apiVersion: herald/v1
kind: Template
metadata: { name: greeting }
spec:
  subject: "{{ traits.short_name | default('you') }} / {{ customer.first_name | default('friend') }} / {{ customer.country }}"
  mjml: templates/welcome.mjml
  sample_data: data/sample.yaml
  sample_customers: [s_1]
`,
    );
    writeFileSync(
      join(dir, 'data', 'sample.yaml'),
      'customers:\n  - { id: s_1, email: ada@example.test, first_name: Ada, country: France, email_consent: true }\nitems: []\ntraits:\n  s_1: { short_name: ada }\n',
    );
    const side = compileSide(dir);
    if (!side.manifest) throw new Error(side.diagnostics.map((d) => `${d.code} ${d.message}`).join('\n'));
    const compiled = compiledTemplate(side.manifest, 'greeting')!;
    const evidence = await renderTemplateEvidence({ head: { compiled, manifest: side.manifest, root: dir } }, { limit: 3, asOf: 0 });
    expect(evidence.samples.map((s) => s.subject.after)).toEqual(['[short_name] / [first_name] / France']);
    expect(JSON.stringify(evidence)).not.toMatch(/ada|Ada/);
    expect(evidence.rendered[0]!.email.html).toContain('[first_name]');
  });

  it('diffs texts as hunks only, and nothing for equal texts', () => {
    expect(unifiedDiff('a\nb\nc\n', 'a\nb\nc\n')).toBe('');
    expect(unifiedDiff('one\ntwo\nthree\nfour\n', 'one\n2\nthree\nfour\n', 1)).toBe('@@ -1,3 +1,3 @@\n one\n-two\n+2\n three');
  });
});
