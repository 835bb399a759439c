import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { COMMENT_MARKER, GITHUB_COMMENT_LIMIT, planMarkdown } from '../../cli/plan/format/markdown.ts';
import { planPretty } from '../../cli/plan/format/pretty.ts';
import { summarize } from '../../cli/plan/summary.ts';
import type { DefinitionChange, PlanDocument, SegmentImpact, TemplateImpact } from '../../cli/plan/document.ts';
import { expectValidPlan } from './support/plan-run.ts';

/** A synthetic plan of `n` changed segments and templates, each with long text. */
function bigPlan(n: number, textLength: number): PlanDocument {
  const segments: SegmentImpact[] = [];
  const templates: TemplateImpact[] = [];
  const definitions: DefinitionChange[] = [];
  for (let i = 0; i < n; i++) {
    definitions.push({
      key: `Segment/s_${i}`,
      kind: 'Segment',
      name: `s_${i}`,
      change: 'changed',
      file: `segments/s_${i}.yaml`,
      details: ['spec.where'],
    });
    definitions.push({
      key: `Template/t_${i}`,
      kind: 'Template',
      name: `t_${i}`,
      change: 'changed',
      file: `templates/t_${i}.yaml`,
      details: [`templates/t_${i}.mjml changed`],
    });
    segments.push({
      name: `s_${i}`,
      change: 'changed',
      before: 1000 + i,
      after: 900 + 2 * i,
      entered: i,
      left: 100,
      sample_entered: ['c_…abcdef'],
      sample_left: ['c_…123456'],
      overlap: [{ segment: 'reachable', customers: 800, share: 0.8 }],
      reach: { before: null, after: { members: 900, reachable: 850, no_email: 10, no_consent: 40, suppressed: 0 } },
    });
    templates.push({
      name: `t_${i}`,
      change: 'changed',
      category: { before: 'marketing', after: 'marketing' },
      unsubscribe: { before: true, after: true },
      samples: [
        {
          customer: 's_…77ceec',
          source: 'sample_data',
          subject: { before: 'Hello <b>|you|</b>', after: 'Hi there' },
          preheader: { before: null, after: null },
          text_diff: `@@ -1,1 +1,1 @@\n-${'a'.repeat(textLength)}\n+${'b'.repeat(textLength)}`,
          html_changed: true,
        },
      ],
      screenshots: [],
    });
  }
  const doc: PlanDocument = {
    version: 1,
    herald_version: '0.1.0',
    workspace: 'big',
    base: { ref: 'origin/main', commit: 'a'.repeat(40), path: '.', compiled: true, errors: 0, diagnostics: [] },
    head: { ref: 'working tree', path: '.', compiled: true, warnings: 0 },
    as_of: '2026-03-01T00:00:00.000Z',
    changes: true,
    summary: summarize(definitions, segments, []),
    definitions,
    unchanged_files: [],
    data: { source: 'database', description: 'sqlite:/tmp/x.db', customers: 5000, memberships_as_of: null },
    segments,
    campaigns: [],
    journeys: [],
    templates,
    models: [],
    forecast: null,
    risks: segments
      .slice(0, 3)
      .map((s) => ({ code: 'HL550', severity: 'warning' as const, definition: `Segment/${s.name}`, message: `${s.name} shrinks` })),
    notes: [{ code: 'HL558', severity: 'info', message: 'no forecast' }],
  };
  return doc;
}

describe('the markdown comment', () => {
  it('property: always within the limit, marker first, summary and risks kept, a pointer exactly when shortened', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 400 }), fc.integer({ min: 1, max: 3000 }), (n, textLength) => {
        const doc = bigPlan(n, textLength);
        expectValidPlan(doc);
        const full = planMarkdown(doc, { limit: Infinity });
        const md = planMarkdown(doc, { fullPlan: 'https://ci.example/run/7' });
        expect(md.length).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT);
        expect(md.startsWith(`${COMMENT_MARKER}\n`)).toBe(true);
        expect(md).toContain(`**${doc.summary.line}**`);
        for (const r of doc.risks) expect(md).toContain(`\`${r.definition}\``);
        const shortened = full.length > GITHUB_COMMENT_LIMIT - 536;
        expect(md.includes('The full plan is in the plan artifact: https://ci.example/run/7.')).toBe(shortened);
        if (!shortened) expect(md).toBe(full);
        // Subjects are text, never markup, and never break a table row.
        expect(md).not.toContain('<b>');
        if (n > 0) expect(md).toContain('Hello &lt;b&gt;\\|you\\|&lt;/b&gt;');
      }),
      { numRuns: 25 },
    );
  });

  it('folds details and names the change in the summary line', () => {
    const doc = bigPlan(2, 10);
    const md = planMarkdown(doc);
    expect(doc.summary.line).toBe('2 segments changed (+1 / -200 customers), 2 templates changed');
    expect(md).toContain('<details><summary><code>t_0</code>: changed</summary>');
    expect(md).toContain('```diff\n@@ -1,1 +1,1 @@');
    expect(md).toContain('| `s_1` | changed | 1,001 | 902 | -99 | 1 | 100 | 850 (10 no email, 40 no consent) |');
  });

  it('pretty output colours only when asked', () => {
    const doc = bigPlan(1, 10);
    expect(planPretty(doc)).not.toContain('\u001b[');
    expect(planPretty(doc, { color: true })).toContain('\u001b[1m');
  });
});
