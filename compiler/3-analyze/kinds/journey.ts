import type { AnalyzeContext, KindAnalyzer } from '../context.ts';
import { BOOLEAN } from '../rules/types.ts';
import type { Definition } from '../../1-load/definition.ts';
import { EXIT, type CompiledJourney, type CompiledStep } from '../../contract/journey.ts';
import { analyzeEntry, type RawEntry } from '../journeys/entry.ts';
import { checkGraph, type GraphProblem } from '../journeys/graph.ts';
import { didYouMean, reportAt } from '../journeys/report.ts';
import { checkJourneyRule } from '../journeys/rules.ts';
import { analyzeStep, type AnalyzedStep, type RawStep } from '../journeys/steps.ts';
import { checkTemplateNeeds, checkTimezoneField, customerTimezoneField } from '../journeys/template-needs.ts';
import { firstSendFrom } from '../journeys/walk.ts';
import { own } from '../../contract/core/own.ts';

interface JourneySpec {
  entry: RawEntry;
  exit_when?: string;
  start?: string;
  rate_limit?: number;
  quiet_hours?: 'delay' | 'skip';
  steps: Record<string, RawStep>;
}

/** What the Journey emitter needs: the compiled state machine, when the journey has no errors. */
export interface JourneyFacts {
  compiled?: CompiledJourney;
}

/**
 * Journey checks: the entry (event, segment or schedule), every step (keys, rules, templates,
 * fields), and the step graph (targets exist, all reachable, every path ends, every loop waits).
 * Templates and segments named in the spec are references the schema marks, resolved (with
 * did-you-mean) by the generic pass.
 */
export const analyzeJourney: KindAnalyzer = (def, ctx): JourneyFacts => {
  const spec = def.spec as unknown as JourneySpec;
  const names = Object.keys(spec.steps);
  let ok = true;

  const entry = analyzeEntry(ctx, def, spec.entry);
  if (!entry) ok = false;
  const exitWhen =
    spec.exit_when !== undefined
      ? checkJourneyRule(ctx, def, ['spec', 'exit_when'], { expected: BOOLEAN, place: '`exit_when`' })
      : undefined;
  if (exitWhen?.rule && !exitWhen.compiled) ok = false;

  const analyzed = new Map<string, AnalyzedStep>();
  for (const name of names) {
    const step = analyzeStep(ctx, def, name, spec.steps[name]!);
    analyzed.set(name, step);
    if (!step.compiled) ok = false;
  }

  const start = spec.start ?? names[0]!;
  if (spec.start !== undefined && !names.includes(spec.start)) {
    ok = false;
    reportAt(ctx, def, 'HL360', { start: spec.start }, ['spec', 'start'], {
      help: didYouMean(spec.start, names) ?? `the steps are ${names.join(', ')}`,
    });
  }
  const problems = checkGraph(
    names.map((n) => analyzed.get(n)!.graph),
    start,
  );
  for (const problem of problems) reportGraphProblem(ctx, def, problem, names);
  if (problems.length > 0) ok = false;

  if (entry) {
    const sender = { kind: 'journey' as const, entry: entry.kind };
    for (const name of names) {
      const template = spec.steps[name]!.send;
      if (template !== undefined && !checkTemplateNeeds(ctx, def, template, ['spec', 'steps', name, 'send'], sender)) ok = false;
    }
  }
  for (const name of names) {
    const wait = spec.steps[name]!.wait;
    if (typeof wait === 'object' && wait.at !== undefined) checkTimezoneField(ctx, def, ['spec', 'steps', name, 'wait', 'at']);
  }
  if (!ok || !entry) return {};

  const steps: Record<string, CompiledStep> = {};
  for (const name of names) steps[name] = analyzed.get(name)!.compiled!;
  for (const step of Object.values(steps)) {
    if (step.kind !== 'split' || step.variants.length === 0) continue;
    const template = firstSendFrom(steps, step.variants[0]!.next);
    if (template !== undefined) step.holdoutTemplate = template;
  }
  const compiled: CompiledJourney = {
    name: def.name,
    start,
    entry,
    steps,
    timezone: workspaceTimezone(ctx),
    entryItems: entryHasItems(ctx, entry),
  };
  if (exitWhen?.compiled) compiled.exitWhen = exitWhen.compiled;
  if (spec.rate_limit !== undefined) compiled.rateLimitPerHour = spec.rate_limit;
  if (spec.quiet_hours !== undefined) compiled.quietHours = spec.quiet_hours;
  const zoneField = customerTimezoneField(ctx);
  if (zoneField !== undefined) compiled.timezoneField = zoneField;
  return { compiled };
};

function reportGraphProblem(ctx: AnalyzeContext, def: Definition, problem: GraphProblem, names: string[]): void {
  switch (problem.kind) {
    case 'unknown_target':
      reportAt(ctx, def, 'HL360', { start: problem.target }, problem.path, {
        help: didYouMean(problem.target, [...names, EXIT]) ?? `the steps are ${names.join(', ')}, or \`exit\` to end the journey`,
      });
      return;
    case 'unreachable':
      reportAt(ctx, def, 'HL361', { step: problem.step }, ['spec', 'steps', problem.step], {
        key: true,
        help: "link it from another step's `next`, or delete it",
      });
      return;
    case 'never_ends':
      reportAt(ctx, def, 'HL362', { describeSteps: describeSteps(problem.steps) }, ['spec', 'steps', problem.steps[0]!], {
        key: true,
        help: 'give the loop a way out, e.g. an `on_timeout: exit`',
      });
      return;
    case 'loop_without_wait':
      reportAt(ctx, def, 'HL363', { describeSteps: describeSteps(problem.steps) }, ['spec', 'steps', problem.steps[0]!], {
        key: true,
        help: 'put a `wait` with a duration, or a `wait_for` an event, in the loop',
      });
  }
}

function describeSteps(steps: string[]): string {
  return steps.length === 1 ? `step "${steps[0]}"` : `steps ${steps.map((s) => `"${s}"`).join(', ')}`;
}

/** The workspace's time zone (schedules, and times of day for customers without one). */
export function workspaceTimezone(ctx: AnalyzeContext): string {
  const zone = ctx.byKind('Workspace')[0]?.spec.timezone;
  return typeof zone === 'string' ? zone : 'UTC';
}

function entryHasItems(ctx: AnalyzeContext, entry: CompiledJourney['entry']): boolean {
  return entry.kind === 'event' && own(ctx.dataModel.events, entry.event)?.item_id !== undefined;
}
