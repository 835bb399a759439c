import type { Manifest } from '../../compiler/contract/manifest.ts';
import { segmentsOf, type RuntimeSegment } from '../../runtime/manifest.ts';
import type { AudienceTarget } from './data/audiences.ts';
import type { DefinitionChange } from './document.ts';

export interface Targets {
  targets: AudienceTarget[];
  /** Segments shown in the plan's audience table (changed, added, removed, renamed, affected). */
  shown: Set<string>;
}

/**
 * The segments whose audiences the plan counts: every segment in the change (with its base
 * version under its old name when renamed), and the audiences of the campaigns and journeys in
 * the change (both the base's and the head's, which may be other, unchanged segments).
 */
export function audienceTargets(changes: readonly DefinitionChange[], base: Manifest | undefined, head: Manifest): Targets {
  const baseSegments = new Map<string, RuntimeSegment>(base ? segmentsOf(base).map((s) => [s.name, s]) : []);
  const headSegments = new Map<string, RuntimeSegment>(segmentsOf(head).map((s) => [s.name, s]));
  const byName = new Map<string, AudienceTarget>();
  const add = (name: string, baseName: string | undefined) => {
    if (byName.has(name)) return;
    const t: AudienceTarget = { name };
    const b = baseName === undefined ? undefined : baseSegments.get(baseName);
    const h = headSegments.get(name);
    if (b) t.base = b;
    if (h) t.head = h;
    if (b || h) byName.set(name, t);
  };
  const shown = new Set<string>();
  for (const c of changes) {
    if (c.kind !== 'Segment' || c.change === 'moved') continue;
    shown.add(c.name);
    add(c.name, c.change === 'added' ? undefined : (c.renamed_from ?? c.name));
  }
  for (const c of changes) {
    if ((c.kind !== 'Campaign' && c.kind !== 'Journey') || c.change === 'moved') continue;
    const names = [audienceOf(specOf(base, c.kind, c.renamed_from ?? c.name)), audienceOf(specOf(head, c.kind, c.name))].flat();
    for (const name of new Set(names)) add(name, name);
  }
  return { targets: [...byName.values()], shown };
}

/** A definition's normalized spec in one manifest, if it is there. */
export function specOf(manifest: Manifest | undefined, kind: string, name: string): Record<string, unknown> | undefined {
  return manifest?.definitions[`${kind}/${name}` as keyof Manifest['definitions']]?.spec;
}

/** The segments a campaign sends to, or a journey enters from (`entry.segment`, a schedule's `entry.audience`). */
function audienceOf(spec: Record<string, unknown> | undefined): string[] {
  if (!spec) return [];
  const entry = (spec.entry ?? {}) as Record<string, unknown>;
  return [spec.audience, entry.segment, entry.audience].filter((v): v is string => typeof v === 'string');
}
