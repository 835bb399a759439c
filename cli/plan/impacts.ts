import type { CompiledTemplate } from '../../compiler/contract/template.ts';
import type { Manifest } from '../../compiler/contract/manifest.ts';
import type { CompiledJourney } from '../../compiler/contract/journey.ts';
import { printRule } from '../../compiler/dsl/print.ts';
import { journeyDiagram } from '../../runtime/journeys/diagram.ts';
import type { MeasuredAudience } from './data/measure.ts';
import type { CampaignImpact, DefinitionChange, JourneyImpact, SegmentImpact, TemplateImpact } from './document.ts';
import { journeyStepChanges } from './diff/journey-steps.ts';
import type { TemplateEvidence } from './evidence/render-samples.ts';
import { specOf } from './targets.ts';

const UNSUBSCRIBE_TAG = /\{\{-?\s*unsubscribe_url\b/;

/** The names of a change on each side (a renamed definition has its old name at the base). */
function names(c: DefinitionChange): { base: string | undefined; head: string | undefined } {
  return { base: c.change === 'added' ? undefined : (c.renamed_from ?? c.name), head: c.change === 'removed' ? undefined : c.name };
}

export function segmentImpacts(
  changes: readonly DefinitionChange[],
  audiences: ReadonlyMap<string, MeasuredAudience> | undefined,
): SegmentImpact[] {
  return changes
    .filter((c) => c.kind === 'Segment' && c.change !== 'moved')
    .map((c) => {
      const a = audiences?.get(c.name);
      const impact: SegmentImpact = {
        name: c.name,
        change: c.change,
        before: a?.before ?? null,
        after: a?.after ?? null,
        entered: a?.entered ?? null,
        left: a?.left ?? null,
        sample_entered: a?.sampleEntered ?? [],
        sample_left: a?.sampleLeft ?? [],
        overlap: a?.overlap ?? [],
        reach: a?.reach ?? { before: null, after: null },
      };
      if (a && (a.errors.base || a.errors.head)) impact.errors = { ...a.errors };
      return impact;
    });
}

export function campaignImpacts(
  changes: readonly DefinitionChange[],
  base: Manifest | undefined,
  head: Manifest,
  audiences: ReadonlyMap<string, MeasuredAudience> | undefined,
): CampaignImpact[] {
  return changes
    .filter((c) => c.kind === 'Campaign' && c.change !== 'moved')
    .map((c) => {
      const n = names(c);
      const before = n.base ? specOf(base, 'Campaign', n.base) : undefined;
      const after = n.head ? specOf(head, 'Campaign', n.head) : undefined;
      const text = (spec: Record<string, unknown> | undefined, key: string) =>
        typeof spec?.[key] === 'string' ? (spec[key] as string) : null;
      const audience = { before: text(before, 'audience'), after: text(after, 'audience') };
      return {
        name: c.name,
        change: c.change,
        audience,
        template: { before: text(before, 'template'), after: text(after, 'template') },
        send_at: { before: text(before, 'send_at'), after: text(after, 'send_at') },
        recipients: {
          before: audience.before ? (audiences?.get(audience.before)?.reach.before?.reachable ?? null) : null,
          after: audience.after ? (audiences?.get(audience.after)?.reach.after?.reachable ?? null) : null,
        },
      };
    });
}

/**
 * A journey's steps added, changed and removed, and a Mermaid flowchart of it (the head's version,
 * or the base's when it was removed) with the added and changed steps marked.
 */
export function journeyImpacts(changes: readonly DefinitionChange[], base: Manifest | undefined, head: Manifest): JourneyImpact[] {
  return changes
    .filter((c) => c.kind === 'Journey' && c.change !== 'moved')
    .map((c) => {
      const n = names(c);
      const steps = journeyStepChanges(
        n.base ? specOf(base, 'Journey', n.base) : undefined,
        n.head ? specOf(head, 'Journey', n.head) : undefined,
      );
      const compiled =
        (n.head ? compiledOf<CompiledJourney>(head, 'Journey', n.head) : undefined) ??
        (n.base ? compiledOf<CompiledJourney>(base, 'Journey', n.base) : undefined);
      const marked = c.change === 'added' || c.change === 'removed' ? [] : [...steps.added, ...steps.changed];
      return {
        name: c.name,
        change: c.change,
        steps,
        diagram: compiled ? journeyDiagram(compiled, { changed: marked, describeRule: printRule }) : null,
      };
    });
}

function compiledOf<C>(manifest: Manifest | undefined, kind: string, name: string): C | undefined {
  return manifest?.definitions[`${kind}/${name}` as keyof Manifest['definitions']]?.compiled as C | undefined;
}

/** The template changes to render, direct changes first. */
export function templateChanges(changes: readonly DefinitionChange[]): DefinitionChange[] {
  const list = changes.filter((c) => c.kind === 'Template' && c.change !== 'moved');
  return [...list.filter((c) => c.change !== 'affected'), ...list.filter((c) => c.change === 'affected')];
}

export function compiledTemplate(manifest: Manifest | undefined, name: string | undefined): CompiledTemplate | undefined {
  return name ? compiledOf<CompiledTemplate>(manifest, 'Template', name) : undefined;
}

/**
 * A template's impact: its category and whether its emails carry the unsubscribe link on each side
 * (from the rendered samples when there are any, else from the compiled HTML), and the evidence.
 */
export function templateImpact(
  c: DefinitionChange,
  base: Manifest | undefined,
  head: Manifest,
  evidence: TemplateEvidence | undefined,
): TemplateImpact {
  const n = names(c);
  const before = compiledTemplate(base, n.base);
  const after = compiledTemplate(head, n.head);
  const carries = (side: 'base' | 'head', t: CompiledTemplate | undefined): boolean | null => {
    if (!t) return null;
    const rendered = evidence?.rendered.filter((r) => r.side === side) ?? [];
    return rendered.length > 0 ? rendered.every((r) => r.unsubscribe) : UNSUBSCRIBE_TAG.test(t.html);
  };
  return {
    name: c.name,
    change: c.change,
    category: { before: before?.category ?? null, after: after?.category ?? null },
    unsubscribe: { before: carries('base', before), after: carries('head', after) },
    samples: evidence?.samples ?? [],
    screenshots: [],
  };
}
