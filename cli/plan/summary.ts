import type { DefinitionChange, PlanSummary, SegmentImpact } from './document.ts';
import { formatCount } from './format/numbers.ts';

const KIND_ORDER = ['Segment', 'Journey', 'Campaign', 'Template', 'Trait', 'Model', 'Source', 'Test', 'Workspace'];
const DIRECT = new Set(['added', 'changed', 'removed', 'renamed']);

/**
 * The plan's headline and counts. The line names each kind with direct changes, the customers
 * entering and leaving the directly changed segments, and how many definitions are affected
 * downstream: "2 segments changed (+1,204 / -37 customers), 1 journey changed, 3 templates changed".
 */
export function summarize(
  changes: readonly DefinitionChange[],
  segments: readonly SegmentImpact[],
  unchangedFiles: readonly string[],
): PlanSummary {
  const count = (kind: DefinitionChange['change']) => changes.filter((c) => c.change === kind).length;
  const directSegments = new Set(changes.filter((c) => c.kind === 'Segment' && DIRECT.has(c.change)).map((c) => c.name));
  const counted = segments.filter((s) => directSegments.has(s.name));
  const sum = (pick: (s: SegmentImpact) => number | null) => {
    const values = counted.map(pick).filter((v): v is number => v !== null);
    return values.length === 0 ? null : values.reduce((a, b) => a + b, 0);
  };
  const summary: PlanSummary = {
    line: '',
    added: count('added'),
    changed: count('changed'),
    removed: count('removed'),
    renamed: count('renamed'),
    moved: count('moved'),
    affected: count('affected'),
    entered: sum((s) => s.entered),
    left: sum((s) => s.left),
  };
  summary.line = headline(changes, summary, unchangedFiles);
  return summary;
}

function headline(changes: readonly DefinitionChange[], s: PlanSummary, unchangedFiles: readonly string[]): string {
  const parts: string[] = [];
  const kinds = [...new Set(changes.map((c) => c.kind))].sort((a, b) => rank(a) - rank(b));
  for (const kind of kinds) {
    const direct = changes.filter((c) => c.kind === kind && DIRECT.has(c.change));
    if (direct.length === 0) continue;
    let part = kind === 'Workspace' ? 'workspace settings changed' : `${formatCount(direct.length)} ${noun(kind, direct.length)} changed`;
    if (kind === 'Segment' && s.entered !== null && s.left !== null)
      part += ` (+${formatCount(s.entered)} / -${formatCount(s.left)} customers)`;
    parts.push(part);
  }
  if (parts.length === 0) {
    const quiet: string[] = [];
    if (s.moved > 0) quiet.push(`${formatCount(s.moved)} ${s.moved === 1 ? 'definition' : 'definitions'} moved between files`);
    if (unchangedFiles.length > 0)
      quiet.push(`${formatCount(unchangedFiles.length)} ${unchangedFiles.length === 1 ? 'file' : 'files'} edited without effect`);
    return `No changes${quiet.length > 0 ? ` (${quiet.join(', ')})` : ''}`;
  }
  if (s.affected > 0) parts.push(`${formatCount(s.affected)} affected downstream`);
  return parts.join(', ');
}

function rank(kind: string): number {
  const i = KIND_ORDER.indexOf(kind);
  return i < 0 ? KIND_ORDER.length : i;
}

function noun(kind: string, n: number): string {
  const word = kind.toLowerCase();
  return n === 1 ? word : `${word}s`;
}
