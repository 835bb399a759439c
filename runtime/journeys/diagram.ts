/**
 * A compiled journey as a Mermaid flowchart: the entry, every step with what it does, and every
 * route (variant weights, event or timeout, branch cases). A pure function of the compiled block,
 * so `herald plan` can draw the journey before and after a change (marking the changed steps) and
 * `herald dev` can redraw it on every save, with how many customers are at each step if given.
 */
import type { Expr } from '../../compiler/contract/core/ast.ts';
import { own } from '../../compiler/contract/core/own.ts';
import { EXIT, type CompiledEntry, type CompiledJourney, type CompiledStep } from '../../compiler/contract/journey.ts';

export interface DiagramOptions {
  /** Customers at (or through) each step, shown in its box. */
  counts?: Readonly<Record<string, number>>;
  /** Steps to mark as changed (a highlighted style). */
  changed?: ReadonlySet<string> | readonly string[];
  /** The text of a rule (e.g. the rule printer), for branch cases and exit_when; default: "case n". */
  describeRule?: (ast: Expr) => string;
}

const DAY = 86_400_000;

export function journeyDiagram(journey: CompiledJourney, options: DiagramOptions = {}): string {
  const changed = new Set(options.changed ?? []);
  const id = (step: string) => (step === EXIT ? 'exit_' : `s_${step}`);
  const lines = ['flowchart TD', `  entry_(["${text(entryLabel(journey.entry))}"]) --> ${id(journey.start)}`];
  let exits = false;
  const edge = (from: string, to: string, label?: string) => {
    if (to === EXIT) exits = true;
    lines.push(`  ${id(from)} ${label ? `-- "${text(label)}" -->` : '-->'} ${id(to)}`);
  };
  for (const name of Object.keys(journey.steps).sort((a, b) => (a === journey.start ? -1 : b === journey.start ? 1 : a < b ? -1 : 1))) {
    const step = own(journey.steps, name)!;
    const count = own(options.counts, name);
    const label = `${name}: ${stepLabel(step, options)}${count !== undefined ? ` (${count})` : ''}`;
    lines.push(`  ${id(name)}${shape(step, text(label))}`);
    routes(name, step, edge, options);
  }
  if (exits) lines.push('  exit_((exit))');
  if (journey.exitWhen) lines.push(`  exit_when_>"${text(`leaves when ${rule(journey.exitWhen.ast, options, 'exit_when')}`)}"]`);
  if (changed.size > 0) {
    lines.push('  classDef changed fill:#fff3bf,stroke:#f08c00,stroke-width:2px');
    for (const name of [...changed].filter((n) => own(journey.steps, n)).sort()) lines.push(`  class ${id(name)} changed`);
  }
  return `${lines.join('\n')}\n`;
}

function routes(name: string, step: CompiledStep, edge: (from: string, to: string, label?: string) => void, options: DiagramOptions): void {
  switch (step.kind) {
    case 'wait':
    case 'send':
    case 'update':
      return edge(name, step.next);
    case 'wait_for':
      edge(name, step.onEvent, step.event !== undefined ? step.event : 'rule holds');
      return edge(name, step.onTimeout, 'timeout');
    case 'branch':
      step.cases.forEach((c, i) => edge(name, c.next, rule(c.when.ast, options, `case ${i + 1}`)));
      return edge(name, step.else, 'else');
    case 'split':
      for (const v of step.variants) edge(name, v.next, `${v.name} ${v.weight}%`);
      return;
    case 'exit':
      return edge(name, EXIT);
  }
}

function stepLabel(step: CompiledStep, options: DiagramOptions): string {
  switch (step.kind) {
    case 'wait':
      return [
        'wait',
        step.forMs !== undefined ? duration(step.forMs) : '',
        step.until ? `until ${rule(step.until.ast, options, 'a time')}` : '',
        step.atMinute !== undefined ? `then ${clock(step.atMinute)} local` : '',
      ]
        .filter(Boolean)
        .join(' ');
    case 'wait_for':
      return `wait for ${step.event ?? rule(step.rule!.ast, options, 'a rule')}, up to ${duration(step.timeoutMs)}`;
    case 'branch':
      return 'branch';
    case 'split':
      return `split ${step.experiment}${step.holdout > 0 ? ` (holdout ${step.holdout}%)` : ''}`;
    case 'send':
      return `send ${step.template}`;
    case 'update':
      return `set ${step.set.map((s) => s.field).join(', ')}`;
    case 'exit':
      return 'exit';
  }
}

function entryLabel(entry: CompiledEntry): string {
  const policy = [
    entry.oncePerMs !== undefined ? `once per ${duration(entry.oncePerMs)}` : '',
    entry.reentry !== 'after_exit' ? `re-entry ${entry.reentry}` : '',
  ]
    .filter(Boolean)
    .join(', ');
  const start =
    entry.kind === 'event'
      ? `on ${entry.event}`
      : entry.kind === 'segment'
        ? `on entering ${entry.segment}`
        : `every ${duration(entry.everyMs)}${entry.audience ? ` for ${entry.audience}` : ''}`;
  return policy ? `${start} (${policy})` : start;
}

/** Node shapes by kind: sends as parallelograms, decisions as diamonds, waits as hexagons. */
function shape(step: CompiledStep, label: string): string {
  switch (step.kind) {
    case 'send':
      return `[/"${label}"/]`;
    case 'branch':
    case 'split':
      return `{"${label}"}`;
    case 'wait':
    case 'wait_for':
      return `{{"${label}"}}`;
    case 'exit':
      return `(("${label}"))`;
    default:
      return `["${label}"]`;
  }
}

function rule(ast: Expr, options: DiagramOptions, fallback: string): string {
  return options.describeRule ? options.describeRule(ast) : fallback;
}

function duration(ms: number): string {
  if (ms % (7 * DAY) === 0) return `${ms / (7 * DAY)}w`;
  if (ms % DAY === 0) return `${ms / DAY}d`;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  return `${Math.round(ms / 1000)}s`;
}

function clock(minute: number): string {
  return `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
}

/** Mermaid label text: quotes and angle brackets as entities, so any name or rule text is safe. */
function text(s: string): string {
  return s.replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;');
}
