import type { CompiledSide } from '../compile-side.ts';
import type { DefinitionChange, PlanNote, TemplateImpact } from '../document.ts';
import { compiledTemplate } from '../impacts.ts';
import { renderTemplateEvidence, type EvidenceOptions, type TemplateEvidence } from './render-samples.ts';
import { takeScreenshots, type ShotRequest } from './screenshots.ts';
import { messageOf } from '../../../compiler/diagnostics/catalogue/index.ts';

/** Renders each changed template's base and head version (the side a template is missing from is left out). */
export async function renderChangedTemplates(
  changes: readonly DefinitionChange[],
  base: CompiledSide | undefined,
  head: CompiledSide,
  options: EvidenceOptions,
): Promise<Map<string, TemplateEvidence>> {
  const out = new Map<string, TemplateEvidence>();
  const side = (s: CompiledSide | undefined, name: string | undefined) => {
    const compiled = compiledTemplate(s?.manifest, name);
    return compiled && s?.manifest ? { compiled, manifest: s.manifest, root: s.root } : undefined;
  };
  for (const c of changes) {
    const b = side(base, c.change === 'added' ? undefined : (c.renamed_from ?? c.name));
    const h = side(head, c.change === 'removed' ? undefined : c.name);
    out.set(c.name, await renderTemplateEvidence({ ...(b ? { base: b } : {}), ...(h ? { head: h } : {}) }, options));
  }
  return out;
}

/**
 * Desktop and mobile screenshots of each changed template's first rendered customer, before and
 * after, into `outDir` (none without it), added to the template impacts.
 */
export async function addScreenshots(
  templates: TemplateImpact[],
  evidence: ReadonlyMap<string, TemplateEvidence>,
  outDir: string | undefined,
  chromium: string,
  notes: PlanNote[],
): Promise<void> {
  const requests: Array<ShotRequest & { impact: TemplateImpact }> = [];
  for (const t of templates) {
    const rendered = evidence.get(t.name)?.rendered ?? [];
    for (const side of ['base', 'head'] as const) {
      const first = rendered.find((r) => r.side === side);
      if (first) requests.push({ template: t.name, customer: first.customer, side, html: first.email.html, impact: t });
    }
  }
  if (requests.length === 0) return;
  if (!outDir) {
    notes.push({ code: 'HL450', severity: 'info', message: messageOf('HL450', { noOutDir: true }) });
    return;
  }
  const shots = await takeScreenshots(requests, outDir, chromium);
  if (shots.skipped) notes.push({ code: 'HL450', severity: 'warning', message: messageOf('HL450', { skipped: shots.skipped }) });
  for (const r of requests) r.impact.screenshots.push(...(shots.screenshots.get(r) ?? []));
}

/** Notes for head renders that failed: sending would fail the same way. */
export function renderFailures(templates: readonly TemplateImpact[]): PlanNote[] {
  return templates.flatMap((t) =>
    t.samples
      .filter((s) => s.errors?.head)
      .map((s): PlanNote => ({
        code: 'HL555',
        severity: 'warning',
        message: messageOf('HL555', {
          template: t.name,
          customer: s.customer,
          ...(s.language ? { language: s.language } : {}),
          error: s.errors!.head!,
        }),
      })),
  );
}
