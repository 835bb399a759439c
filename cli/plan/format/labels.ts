import type { ChangeKind, DataSummary, PlanDocument, Reach, TemplateSample } from '../document.ts';
import { shortCommit } from '../git/repository.ts';
import { formatCount, formatSigned } from './numbers.ts';

/** Shared wording of the markdown and pretty views (the JSON document is the source of both). */

export const CHANGE_SYMBOL: Record<ChangeKind | 'unchanged', string> = {
  added: '+',
  changed: '~',
  removed: '-',
  renamed: '→',
  moved: '↷',
  affected: '·',
  unchanged: '=',
};

/** "base origin/main (3f2a…) → working tree, as of …". */
export function comparisonLine(doc: PlanDocument): string {
  const moved = doc.moved ? ` (workspace moved from ${doc.moved.from} to ${doc.moved.to})` : '';
  return `${doc.base.ref} (${shortCommit(doc.base.commit)}) → working tree${moved}, as of ${doc.as_of}`;
}

export function dataLine(data: DataSummary): string {
  if (data.source === 'none') return `data: none${data.reason ? ` (${data.reason})` : ''}`;
  const customers = data.customers === null ? '' : `, ${formatCount(data.customers)} customers`;
  return `data: ${data.description}${customers}${data.reason && data.source === 'sample' ? ` (${data.reason})` : ''}`;
}

/** "+120" / "-3" / "0", or "–" without data. */
export function deltaText(before: number | null, after: number | null): string {
  return before === null || after === null ? '–' : formatSigned(after - before);
}

/** Reachable customers of a side, e.g. "812 (41 no consent, 2 suppressed)". */
export function reachText(r: Reach | null): string {
  if (!r) return '–';
  const gaps = [
    r.no_email ? `${formatCount(r.no_email)} no email` : '',
    r.no_consent ? `${formatCount(r.no_consent)} no consent` : '',
    r.suppressed ? `${formatCount(r.suppressed)} suppressed` : '',
  ].filter(Boolean);
  return `${formatCount(r.reachable)}${gaps.length > 0 ? ` (${gaps.join(', ')})` : ''}`;
}

export function beforeAfter(before: string | null, after: string | null): string {
  if (before === after) return before ?? '–';
  return `${before ?? '–'} → ${after ?? '–'}`;
}

/** The samples of a template's own customers, and its extra renders in each language of its translations. */
export function splitLanguageSamples(samples: readonly TemplateSample[]): { customers: TemplateSample[]; languages: TemplateSample[] } {
  return { customers: samples.filter((s) => s.language === undefined), languages: samples.filter((s) => s.language !== undefined) };
}

/** One language's render: `subject "…", preview "…"`, each before → after when it changed, or why it failed. */
export function languageText(s: TemplateSample): string {
  if (s.errors?.head) return `not rendered: ${s.errors.head}`;
  const quoted = (text: string | null) => (text === null ? null : `"${text}"`);
  const preview =
    s.preheader.before !== null || s.preheader.after !== null
      ? `, preview ${beforeAfter(quoted(s.preheader.before), quoted(s.preheader.after))}`
      : '';
  return `subject ${beforeAfter(quoted(s.subject.before), quoted(s.subject.after))}${preview}`;
}

/** One experiment's plan: its smallest detectable effect, from what, and whether it meets minimum_effect. */
export function experimentLine(x: NonNullable<PlanDocument['experiments']>[number]): string {
  const mde = x.minimum_detectable_effect === null ? 'nothing (an arm is empty)' : `${(x.minimum_detectable_effect * 100).toFixed(1)} pts`;
  const want =
    x.minimum_effect !== null
      ? `; minimum_effect ${(x.minimum_effect * 100).toFixed(1)} pts ${x.detectable ? 'can be detected' : 'cannot be detected'}`
      : '';
  return `${x.experiment} (${x.kind} ${x.name}): detects ${mde} with ${formatCount(x.audience)} customers (${x.audience_from}) at a base rate of ${(x.base_rate * 100).toFixed(1)}% (${x.base_rate_from})${x.comparisons > 1 ? `, Bonferroni over ${x.comparisons} comparisons` : ''}${want}`;
}
