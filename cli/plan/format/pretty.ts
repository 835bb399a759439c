import type { PlanDocument } from '../document.ts';
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
import { formatCount, formatMaybe } from './numbers.ts';

type Painter = (style: keyof typeof STYLES, text: string) => string;

const STYLES = { bold: '1', dim: '2', red: '31', green: '32', yellow: '33', cyan: '36' } as const;

const CHANGE_STYLE: Record<string, keyof typeof STYLES> = {
  added: 'green',
  removed: 'red',
  changed: 'yellow',
  renamed: 'cyan',
  moved: 'dim',
  affected: 'dim',
};

/**
 * The plan for a terminal, in the manner of `terraform plan`: the summary, then one block per
 * area with `+ ~ - →` marks, risks and notes last where the eye lands. Colour only on a TTY.
 */
export function planPretty(doc: PlanDocument, options: { color?: boolean } = {}): string {
  const paint: Painter = (style, text) => (options.color ? `\u001b[${STYLES[style]}m${text}\u001b[0m` : text);
  const out: string[] = [];
  out.push(paint('bold', `herald plan: ${doc.workspace}`), `  ${comparisonLine(doc)}`, `  ${dataLine(doc.data)}`, '');
  out.push(paint('bold', doc.summary.line));

  if (doc.segments.length > 0) {
    out.push('', paint('bold', 'audiences'));
    const rows = doc.segments.map((s) => [
      `${CHANGE_SYMBOL[s.change]} ${s.name}`,
      formatMaybe(s.before),
      formatMaybe(s.after),
      deltaText(s.before, s.after),
      s.entered === null ? '–' : `+${formatCount(s.entered)}`,
      s.left === null ? '–' : `-${formatCount(s.left)}`,
      reachText(s.reach.after),
    ]);
    out.push(
      ...columns(['segment', 'before', 'after', 'Δ', 'enter', 'leave', 'reachable'], rows).map((line, i) =>
        i === 0 ? paint('dim', line) : paintChange(paint, doc.segments[i - 1]!.change, line),
      ),
    );
    for (const s of doc.segments) {
      if (s.overlap.length > 0)
        out.push(paint('dim', `    ${s.name} also in: ${s.overlap.map((o) => `${o.segment} ${formatCount(o.customers)}`).join(', ')}`));
      for (const side of ['base', 'head'] as const)
        if (s.errors?.[side]) out.push(paint('yellow', `    ${s.name} ${side} not counted: ${s.errors[side]}`));
    }
  }
  if (doc.campaigns.length > 0) {
    out.push('', paint('bold', 'campaigns'));
    for (const c of doc.campaigns) {
      out.push(
        paintChange(
          paint,
          c.change,
          `  ${CHANGE_SYMBOL[c.change]} ${c.name}: audience ${beforeAfter(c.audience.before, c.audience.after)}, template ${beforeAfter(c.template.before, c.template.after)}, recipients ${formatMaybe(c.recipients.before)} → ${formatMaybe(c.recipients.after)}`,
        ),
      );
    }
  }
  if (doc.journeys.length > 0) {
    out.push('', paint('bold', 'journeys'));
    for (const j of doc.journeys) {
      const steps = [...j.steps.added.map((s) => `+${s}`), ...j.steps.changed.map((s) => `~${s}`), ...j.steps.removed.map((s) => `-${s}`)];
      out.push(
        paintChange(paint, j.change, `  ${CHANGE_SYMBOL[j.change]} ${j.name}${steps.length > 0 ? `: steps ${steps.join(' ')}` : ''}`),
      );
    }
  }
  if (doc.templates.length > 0) {
    out.push('', paint('bold', 'templates'));
    for (const t of doc.templates) {
      out.push(paintChange(paint, t.change, `  ${CHANGE_SYMBOL[t.change]} ${t.name}`));
      const { customers, languages } = splitLanguageSamples(t.samples);
      for (const s of languages) out.push(`      ${s.language} (${s.customer}): ${languageText(s)}`);
      for (const s of customers) {
        if (s.subject.before !== s.subject.after)
          out.push(`      ${s.customer} subject: ${s.subject.before ?? '–'} → ${s.subject.after ?? '–'}`);
        for (const line of s.text_diff
          .split('\n')
          .filter((l) => l !== '')
          .slice(0, 12)) {
          out.push(`      ${line.startsWith('+') ? paint('green', line) : line.startsWith('-') ? paint('red', line) : paint('dim', line)}`);
        }
        if (s.text_diff !== '') break; // one customer's diff is enough on a terminal
      }
      for (const shot of t.screenshots) out.push(paint('dim', `      screenshot ${shot.path}`));
    }
  }
  if (doc.models.length > 0) {
    out.push('', paint('bold', 'models'));
    for (const m of doc.models) out.push(`  ${m.name}: ${m.note}`);
  }
  if (doc.forecast) {
    const f = doc.forecast;
    out.push(
      '',
      paint(
        'bold',
        `send forecast ${f.days[0]?.date ?? f.from.slice(0, 10)} to ${f.days.at(-1)?.date ?? f.until.slice(0, 10)}: ${formatCount(f.total)} emails`,
      ),
    );
    for (const o of f.by_origin) out.push(`  ${o.kind} ${o.name}: ${formatCount(o.sends)} (first day ${formatCount(o.first_day)})`);
    out.push(`  ${f.days.map((d) => `${d.date.slice(5)} ${formatCount(d.sends)}`).join('  ')}`);
  }
  if (doc.experiments && doc.experiments.length > 0) {
    out.push('', paint('bold', 'experiments (80% power, two-sided 5%)'));
    for (const x of doc.experiments) out.push(`  ${experimentLine(x)}`);
  }
  const others = doc.definitions.filter(
    (c) => c.kind !== 'Segment' && c.kind !== 'Template' && c.kind !== 'Journey' && c.kind !== 'Campaign',
  );
  if (others.length > 0) {
    out.push('', paint('bold', 'other definitions'));
    for (const c of others)
      out.push(
        paintChange(paint, c.change, `  ${CHANGE_SYMBOL[c.change]} ${c.key}${c.details.length > 0 ? `: ${c.details.join('; ')}` : ''}`),
      );
  }
  if (doc.unchanged_files.length > 0) out.push('', paint('dim', `edited without effect: ${doc.unchanged_files.join(', ')}`));
  if (doc.risks.length > 0) {
    out.push('', paint('bold', `risks (${doc.risks.length})`));
    for (const r of doc.risks) out.push(paint(r.severity === 'error' ? 'red' : 'yellow', `  ${r.severity}[${r.code}] ${r.message}`));
  }
  for (const n of doc.notes)
    out.push(paint(n.severity === 'warning' || n.severity === 'error' ? 'yellow' : 'dim', `${n.severity}[${n.code}]: ${n.message}`));
  for (const e of doc.base.diagnostics)
    out.push(paint('dim', `  base ${e.where ? `${e.where}: ` : ''}${e.severity}[${e.code}]: ${e.message}`));
  return `${out.join('\n')}\n`;
}

function paintChange(paint: Painter, change: string, line: string): string {
  const style = CHANGE_STYLE[change];
  return style ? paint(style, line) : line;
}

/** Left-aligned first column, right-aligned numbers, two spaces between. */
function columns(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    `  ${cells
      .map((c, i) => (i === 0 || i === cells.length - 1 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
      .join('  ')
      .trimEnd()}`;
  return [line(header), ...rows.map(line)];
}
