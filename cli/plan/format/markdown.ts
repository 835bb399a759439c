import { HERALD_VERSION } from '../../../compiler/contract/version.ts';
import type { PlanDocument, PlanNote, Risk, TemplateImpact } from '../document.ts';
import {
  beforeAfter,
  CHANGE_SYMBOL,
  comparisonLine,
  dataLine,
  deltaText,
  experimentLine,
  languageText,
  reachText,
  splitLanguageSamples,
} from './labels.ts';
import { formatCount, formatMaybe, formatPercent } from './numbers.ts';

/** The first line of every plan comment: the GitHub workflow finds its own comment by it, to update it. */
export const COMMENT_MARKER = '<!-- herald-plan -->';

/** GitHub refuses issue and pull-request comments longer than this many characters. */
export const GITHUB_COMMENT_LIMIT = 65_536;

export interface MarkdownOptions {
  /** Longest output, in characters (default: GitHub's comment limit, less a margin; Infinity: the full plan). */
  limit?: number;
  /** Where the full plan is (a URL or words), named when the comment had to be shortened. */
  fullPlan?: string;
}

/**
 * How much detail a rendering keeps. The plan is rendered with full detail first; when that is
 * too long for a comment, with less (rows per table, text diffs, per-segment details), down to
 * the summary, risks and notes, which always fit.
 */
interface Detail {
  rows: number;
  diffs: boolean;
  segmentDetails: boolean;
  definitions: number;
}

const LEVELS: Detail[] = [
  { rows: Infinity, diffs: true, segmentDetails: true, definitions: Infinity },
  { rows: 100, diffs: false, segmentDetails: true, definitions: 100 },
  { rows: 30, diffs: false, segmentDetails: false, definitions: 30 },
  { rows: 10, diffs: false, segmentDetails: false, definitions: 0 },
];

/** The plan as a pull-request comment: summary first, details folded, within the size limit. */
export function planMarkdown(doc: PlanDocument, options: MarkdownOptions = {}): string {
  const limit = options.limit ?? GITHUB_COMMENT_LIMIT - 536;
  for (const [i, detail] of LEVELS.entries()) {
    const text = render(doc, detail, i > 0 ? truncationNote(options) : undefined);
    if (text.length <= limit) return text;
  }
  // Only a pathological plan (thousands of risks) gets here: cut at a line, and say so.
  const note = `\n\n${truncationNote(options)}\n`;
  const text = render(doc, LEVELS[LEVELS.length - 1]!, undefined);
  return `${text.slice(0, text.lastIndexOf('\n', limit - note.length))}${note}`;
}

function truncationNote(options: MarkdownOptions): string {
  const where = options.fullPlan ? `: ${options.fullPlan}` : ' (`herald plan --out DIR` writes it as plan.md and plan.json)';
  return `> ✂️ This plan was shortened to fit in a comment. The full plan is in the plan artifact${where}.`;
}

function render(doc: PlanDocument, d: Detail, shortened: string | undefined): string {
  const out: string[] = [
    COMMENT_MARKER,
    `### Herald plan: \`${doc.workspace}\``,
    '',
    `**${esc(doc.summary.line)}**`,
    '',
    `<sub>${esc(comparisonLine(doc))} · ${esc(dataLine(doc.data))}</sub>`,
  ];
  if (shortened) out.push('', shortened);
  if (doc.notes.length > 0) out.push('', ...doc.notes.map(noteLine));
  if (doc.risks.length > 0)
    out.push('', `#### Risks (${doc.risks.length})`, '', ...table(['', 'definition', 'risk'], doc.risks.map(riskRow), d.rows));
  segments(doc, d, out);
  campaigns(doc, d, out);
  journeys(doc, d, out);
  if (doc.experiments && doc.experiments.length > 0)
    out.push('', `#### Experiments (80% power, two-sided 5%)`, '', ...doc.experiments.map((x) => `- ${esc(experimentLine(x))}`));
  templates(doc, d, out);
  models(doc, d, out);
  forecast(doc, d, out);
  definitions(doc, d, out);
  baseErrors(doc, out);
  out.push('', `<sub>herald ${HERALD_VERSION} · plan format v${doc.version}</sub>`, '');
  return out.join('\n');
}

function noteLine(n: PlanNote): string {
  const icon = n.severity === 'error' ? '❌' : n.severity === 'warning' ? '⚠️' : 'ℹ️';
  return `> ${icon} ${esc(n.message)} <sub>${n.code}</sub>`;
}

function riskRow(r: Risk): string[] {
  return [r.severity === 'error' ? '❌' : '⚠️', `\`${r.definition}\``, `${esc(r.message)} <sub>${r.code}</sub>`];
}

function segments(doc: PlanDocument, d: Detail, out: string[]): void {
  if (doc.segments.length === 0) return;
  out.push('', `#### Audiences (${doc.segments.length} segment${doc.segments.length === 1 ? '' : 's'})`, '');
  out.push(
    ...table(
      ['segment', 'change', 'before', 'after', 'Δ', 'enter', 'leave', 'reachable after'],
      doc.segments.map((s) => [
        `\`${s.name}\``,
        s.change,
        formatMaybe(s.before),
        formatMaybe(s.after),
        deltaText(s.before, s.after),
        formatMaybe(s.entered),
        formatMaybe(s.left),
        esc(reachText(s.reach.after)),
      ]),
      d.rows,
    ),
  );
  if (!d.segmentDetails) return;
  const detailed = doc.segments.filter(
    (s) => s.overlap.length > 0 || s.sample_entered.length > 0 || s.sample_left.length > 0 || s.errors || s.reach.before,
  );
  if (detailed.length === 0) return;
  out.push('', '<details><summary>Overlaps, consent and who enters or leaves</summary>', '');
  for (const s of detailed.slice(0, d.rows)) {
    out.push(`**\`${s.name}\`**`, '');
    if (s.reach.before || s.reach.after) out.push(`- reachable: ${esc(reachText(s.reach.before))} → ${esc(reachText(s.reach.after))}`);
    if (s.overlap.length > 0)
      out.push(`- also in: ${s.overlap.map((o) => `\`${o.segment}\` ${formatCount(o.customers)} (${formatPercent(o.share)})`).join(', ')}`);
    if (s.sample_entered.length > 0) out.push(`- entering, e.g.: ${s.sample_entered.map((id) => `\`${id}\``).join(' ')}`);
    if (s.sample_left.length > 0) out.push(`- leaving, e.g.: ${s.sample_left.map((id) => `\`${id}\``).join(' ')}`);
    if (s.errors?.base) out.push(`- base not counted: ${esc(s.errors.base)}`);
    if (s.errors?.head) out.push(`- head not counted: ${esc(s.errors.head)}`);
    out.push('');
  }
  out.push('</details>');
}

function campaigns(doc: PlanDocument, d: Detail, out: string[]): void {
  if (doc.campaigns.length === 0) return;
  out.push('', `#### Campaigns (${doc.campaigns.length})`, '');
  out.push(
    ...table(
      ['campaign', 'change', 'audience', 'template', 'send at', 'recipients'],
      doc.campaigns.map((c) => [
        `\`${c.name}\``,
        c.change,
        esc(beforeAfter(c.audience.before, c.audience.after)),
        esc(beforeAfter(c.template.before, c.template.after)),
        esc(beforeAfter(c.send_at.before, c.send_at.after)),
        `${formatMaybe(c.recipients.before)} → ${formatMaybe(c.recipients.after)}`,
      ]),
      d.rows,
    ),
  );
}

function journeys(doc: PlanDocument, d: Detail, out: string[]): void {
  if (doc.journeys.length === 0) return;
  out.push('', `#### Journeys (${doc.journeys.length})`);
  for (const j of doc.journeys.slice(0, d.rows)) {
    const steps = [
      j.steps.added.length ? `${j.steps.added.length} added` : '',
      j.steps.changed.length ? `${j.steps.changed.length} changed` : '',
      j.steps.removed.length ? `${j.steps.removed.length} removed` : '',
    ]
      .filter(Boolean)
      .join(', ');
    out.push(
      '',
      `<details${j.diagram ? ' open' : ''}><summary><code>${j.name}</code>: ${j.change}${steps ? ` (steps: ${steps})` : ''}</summary>`,
      '',
    );
    for (const [label, list] of [
      ['added', j.steps.added],
      ['changed', j.steps.changed],
      ['removed', j.steps.removed],
    ] as const) {
      if (list.length > 0) out.push(`- steps ${label}: ${list.map((s) => `\`${s}\``).join(', ')}`);
    }
    if (j.diagram) out.push('', fence('mermaid', j.diagram.trimEnd()));
    out.push('', '</details>');
  }
}

function templates(doc: PlanDocument, d: Detail, out: string[]): void {
  if (doc.templates.length === 0) return;
  out.push('', `#### Templates (${doc.templates.length})`);
  for (const t of doc.templates.slice(0, d.rows)) out.push('', ...templateBlock(t, d));
}

function templateBlock(t: TemplateImpact, d: Detail): string[] {
  const lines = [
    `<details><summary><code>${t.name}</code>: ${t.change}${t.category.before !== t.category.after && t.category.before && t.category.after ? ` (${t.category.before} → ${t.category.after})` : ''}</summary>`,
    '',
  ];
  if (t.samples.length === 0)
    lines.push('_not rendered: no sample customers (give the template `sample_customers` and `sample_data`, or plan with a database)_');
  else {
    const { customers, languages } = splitLanguageSamples(t.samples);
    lines.push(
      ...table(
        ['customer', 'subject before', 'subject after'],
        customers.map((s) => [`\`${s.customer}\``, esc(s.subject.before ?? '–'), esc(s.subject.after ?? '–')]),
        Infinity,
      ),
    );
    if (languages.length > 0) {
      lines.push('', `In each language, for \`${languages[0]!.customer}\`:`, '');
      lines.push(
        ...table(
          ['language', 'rendered'],
          languages.map((s) => [`\`${s.language}\``, esc(languageText(s))]),
          Infinity,
        ),
      );
    }
    for (const s of t.samples) {
      const who = `\`${s.customer}\`${s.language ? ` in \`${s.language}\`` : ''}`;
      if (s.errors?.base) lines.push('', `- ${who} base not rendered: ${esc(s.errors.base)}`);
      if (s.errors?.head) lines.push('', `- ${who} head not rendered: ${esc(s.errors.head)}`);
    }
    const first = customers.find((s) => s.text_diff !== '');
    if (first && d.diffs) lines.push('', `Text part for \`${first.customer}\`:`, '', fence('diff', first.text_diff));
    else if (first) lines.push('', '_text diff in the full plan_');
    else if (t.samples.some((s) => s.html_changed)) lines.push('', '_the text part is the same; the HTML changed_');
  }
  if (t.screenshots.length > 0) lines.push('', `Screenshots in the plan artifact: ${t.screenshots.map((s) => `\`${s.path}\``).join(', ')}`);
  lines.push('', '</details>');
  return lines;
}

function models(doc: PlanDocument, d: Detail, out: string[]): void {
  if (doc.models.length === 0) return;
  out.push('', `#### Models (${doc.models.length})`, '');
  out.push(
    ...table(
      ['model', 'change', 'active', 'new version', 'note'],
      doc.models.map((m) => [
        `\`${m.name}\``,
        m.change,
        m.active ? `v${m.active.version}` : '–',
        m.candidate ? `v${m.candidate.version}${m.worse ? ' ⚠️ worse' : ''}` : '–',
        esc(m.note),
      ]),
      d.rows,
    ),
  );
}

function forecast(doc: PlanDocument, d: Detail, out: string[]): void {
  const f = doc.forecast;
  if (!f) return;
  out.push(
    '',
    `#### Send forecast, ${f.days[0]?.date ?? f.from.slice(0, 10)} to ${f.days.at(-1)?.date ?? f.until.slice(0, 10)}: ${formatCount(f.total)} emails`,
    '',
  );
  out.push(
    ...table(
      f.days.map((x) => x.date.slice(5)),
      [f.days.map((x) => formatCount(x.sends))],
      1,
    ),
  );
  if (f.by_origin.length > 0)
    out.push(
      '',
      ...table(
        ['from', 'sends', 'first day'],
        f.by_origin.map((o) => [`${o.kind} \`${o.name}\``, formatCount(o.sends), formatCount(o.first_day)]),
        d.rows,
      ),
    );
  const suppressed = Object.entries(f.suppressed).filter(([, n]) => n > 0);
  if (suppressed.length > 0)
    out.push('', `Suppressed: ${suppressed.map(([reason, n]) => `${reason.replace(/_/g, ' ')} ${formatCount(n)}`).join(', ')}`);
}

function definitions(doc: PlanDocument, d: Detail, out: string[]): void {
  if (doc.definitions.length === 0 && doc.unchanged_files.length === 0) return;
  if (d.definitions > 0 && doc.definitions.length > 0) {
    out.push('', `<details><summary>All ${doc.definitions.length} definition changes</summary>`, '');
    out.push(
      ...table(
        ['', 'definition', 'file', 'what'],
        doc.definitions.map((c) => [
          CHANGE_SYMBOL[c.change],
          `\`${c.key}\``,
          `\`${c.file}\``,
          esc([c.change, ...c.details, ...(c.via ? [`via ${c.via.join(', ')}`] : [])].join('; ')),
        ]),
        d.definitions,
      ),
      '',
      '</details>',
    );
  }
  if (doc.unchanged_files.length > 0) {
    out.push(
      '',
      `<details><summary>${doc.unchanged_files.length} file${doc.unchanged_files.length === 1 ? '' : 's'} edited without effect (formatting, comments)</summary>`,
      '',
      ...doc.unchanged_files.slice(0, d.rows).map((f) => `- \`${f}\``),
      '',
      '</details>',
    );
  }
}

function baseErrors(doc: PlanDocument, out: string[]): void {
  if (doc.base.compiled || doc.base.diagnostics.length === 0) return;
  out.push(
    '',
    `<details><summary>Why the base does not compile (${doc.base.errors} error${doc.base.errors === 1 ? '' : 's'})</summary>`,
    '',
  );
  for (const e of doc.base.diagnostics) out.push(`- ${e.where ? `\`${e.where}\` ` : ''}${e.code}: ${esc(e.message)}`);
  out.push('', '</details>');
}

/** A markdown table, with a last row saying how many rows were left out. */
function table(header: string[], rows: string[][], max: number): string[] {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  const shown = rows.slice(0, max);
  const out = [line(header), line(header.map(() => '---')), ...shown.map(line)];
  if (rows.length > shown.length)
    out.push(line([`… ${formatCount(rows.length - shown.length)} more in the full plan`, ...header.slice(1).map(() => '')]));
  return out;
}

/** Text safe inside a table cell or a line: no HTML, no cell breaks, one line. */
function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/** A fenced code block whose fence is longer than any run of backticks inside. */
function fence(lang: string, body: string): string {
  const longest = Math.max(2, ...[...body.matchAll(/`+/g)].map((m) => m[0].length));
  const f = '`'.repeat(longest + 1);
  return `${f}${lang}\n${body}\n${f}`;
}
