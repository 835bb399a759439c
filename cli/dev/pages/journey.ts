import { printRule } from '../../../compiler/dsl/print.ts';
import { DURATION_MS } from '../../../compiler/contract/core/rule-paths.ts';
import { EXIT, targetsOf, type CompiledJourney, type CompiledJourneyRule, type CompiledStep } from '../../../compiler/contract/journey.ts';
import { journeyDiagram } from '../../../runtime/journeys/diagram.ts';
import type { JourneyCounts } from '../database.ts';
import { graphLinks, notFound, type PageContext } from './context.ts';
import type { Page } from './layout.ts';
import { html, path, type Html } from '../html.ts';

/**
 * A journey as a diagram of its compiled state machine: the entry, then every step in the order a
 * customer reaches them, each with where it leads; with a preview database, how many customers
 * are at each step now and how many left, by reason.
 */
export async function journeyPage(ctx: PageContext, name: string): Promise<Page> {
  const def = ctx.manifest.definitions[`Journey/${name}`];
  const journey = def?.compiled as CompiledJourney | undefined;
  if (!def || !journey) return notFound('Journey', name, ctx.manifest);
  let counts: JourneyCounts | undefined;
  let problem: string | undefined;
  if (ctx.database) {
    try {
      counts = await ctx.database.journeyCounts(ctx.manifest, name);
      if (!counts) problem = ctx.database.problem;
    } catch (e) {
      problem = (e as Error).message;
    }
  }
  return {
    title: `journey ${name}`,
    body: html`<h1>${name}</h1>
${def.metadata.description ? html`<p>${def.metadata.description}</p>` : ''}
${graphLinks(def)}
${problem ? html`<p class="bad">HL560: ${problem}</p>` : ''}
${counts ? html`<p>${counts.entered} entries in the preview database${counts.exited.size > 0 ? html`; left: ${[...counts.exited].map(([r, n], i) => html`${i > 0 ? ', ' : ''}${r} ${n}`)}` : ''}</p>` : ''}
<div class="card"><strong>entry</strong> ${entryText(journey)}${journey.exitWhen ? html`<br><strong>exit when</strong> <code>${rule(journey.exitWhen)}</code>` : ''}</div>
<div class="steps journey-diagram">${stepOrder(journey).map((step) => stepCard(step, journey.steps[step]!, counts))}
<div class="step exit" id="step-exit"><strong>exit</strong></div></div>
<h2>Flowchart</h2>
<pre class="mermaid">${journeyDiagram(journey, { describeRule: printRule, ...(counts ? { counts: Object.fromEntries(counts.atStep) } : {}) })}</pre>
<p class="muted mermaid-note">The journey as Mermaid source: install the <code>mermaid</code> package next to herald to see it drawn here.</p>`,
  };
}

/** Steps breadth-first from the start, then any the start cannot reach (the analyzer warns about those). */
function stepOrder(journey: CompiledJourney): string[] {
  const order: string[] = [];
  const queue = [journey.start];
  while (queue.length > 0) {
    const step = queue.shift()!;
    if (step === EXIT || order.includes(step) || !journey.steps[step]) continue;
    order.push(step);
    queue.push(...targetsOf(journey.steps[step]!));
  }
  for (const step of Object.keys(journey.steps).sort()) if (!order.includes(step)) order.push(step);
  return order;
}

function stepCard(name: string, step: CompiledStep, counts: JourneyCounts | undefined): Html {
  const here = counts?.atStep.get(name);
  return html`<div class="step${step.kind === 'exit' ? ' exit' : ''}" id="step-${name}" data-step="${name}">
  <strong>${name}</strong><span class="kind">${step.kind}</span>${counts ? html` <span class="pill step-count">${here ?? 0} here now</span>` : ''}
  <div>${stepDetail(step)}</div>
</div>`;
}

function go(target: string): Html {
  return html`<a href="#step-${target}">→ ${target}</a>`;
}

function stepDetail(step: CompiledStep): Html {
  switch (step.kind) {
    case 'wait':
      return html`wait ${step.forMs !== undefined ? duration(step.forMs) : ''}${step.until ? html` until <code>${rule(step.until)}</code>` : ''}${step.atMinute !== undefined ? html` until ${clock(step.atMinute)} local` : ''} ${go(step.next)}`;
    case 'wait_for':
      return html`wait for ${step.event ? html`<code>${step.event}</code>` : html`<code>${step.rule ? rule(step.rule) : ''}</code>`} up to ${duration(step.timeoutMs)}: on event ${go(step.onEvent)}, on timeout ${go(step.onTimeout)}`;
    case 'branch':
      return html`${step.cases.map((c) => html`if <code>${rule(c.when)}</code> ${go(c.next)}<br>`)}else ${go(step.else)}`;
    case 'split':
      return html`experiment <code>${step.experiment}</code>: ${step.variants.map((v, i) => html`${i > 0 ? ', ' : ''}${v.name} ${v.weight}% ${go(v.next)}`)}${step.holdout > 0 ? html`, holdout ${step.holdout}%` : ''}`;
    case 'send':
      return html`send <a href="${path('templates', step.template)}">${step.template}</a> ${go(step.next)}`;
    case 'update':
      return html`set ${step.set.map((s, i) => html`${i > 0 ? ', ' : ''}<code>${s.field} = ${rule(s.value)}</code>`)} ${go(step.next)}`;
    case 'exit':
      return html`the journey ends`;
  }
}

function entryText(journey: CompiledJourney): Html {
  const e = journey.entry;
  const once = e.oncePerMs !== undefined ? html`, at most once per ${duration(e.oncePerMs)}` : '';
  if (e.kind === 'event') return html`on event <code>${e.event}</code>${e.where ? html` where <code>${rule(e.where)}</code>` : ''}${once}`;
  if (e.kind === 'segment') return html`on entering segment <a href="${path('segments', e.segment)}">${e.segment}</a>${once}`;
  return html`on a schedule every ${duration(e.everyMs)}${e.audience ? html` for <a href="${path('segments', e.audience)}">${e.audience}</a>` : ''}${once}`;
}

function rule(r: CompiledJourneyRule): string {
  return printRule(r.ast);
}

/** In the rule DSL's units, as the journey was written: 3600000 → 1h, 5400000 → 1h30m. */
export function duration(ms: number): string {
  const units = Object.entries(DURATION_MS).sort(([, a], [, b]) => b - a);
  let rest = ms;
  let out = '';
  for (const [unit, size] of units) {
    if (rest >= size) {
      out += `${Math.floor(rest / size)}${unit}`;
      rest %= size;
    }
  }
  return out === '' ? `${ms}ms` : out;
}

function clock(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}
