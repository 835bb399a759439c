import type { KindAnalyzer } from '../context.ts';
import { definitionKey } from '../../contract/definition.ts';
import type { CompiledTest } from '../../contract/journey.ts';
import { analyzeGiven, type RawGiven } from '../journeys/given.ts';
import { analyzeExpectations, vocabularyOf, type RawExpectation } from '../journeys/expectations.ts';
import { reportAt } from '../journeys/report.ts';
import { parseDuration } from '../../contract/core/durations.ts';
import { offsetInstant } from '../../contract/core/instants.ts';
import type { JourneyFacts } from './journey.ts';
import type { CampaignFacts } from './campaign.ts';

interface TestSpec {
  journey?: string;
  campaign?: string;
  start?: string;
  until?: string;
  segment_refresh?: string;
  given: RawGiven;
  expect: RawExpectation[];
}

/** What the Test emitter needs: the compiled test, when it has no errors. */
export interface TestFacts {
  compiled?: CompiledTest;
}

/**
 * Test checks: the given data fits the data model, the expectations name customers, templates,
 * variants and steps the target can produce, and the simulated clock has a span. The target
 * journey or campaign is a schema-marked reference.
 */
export const analyzeTest: KindAnalyzer = (def, ctx): TestFacts => {
  const spec = def.spec as unknown as TestSpec;
  const target =
    spec.journey !== undefined ? { kind: 'journey' as const, name: spec.journey } : { kind: 'campaign' as const, name: spec.campaign! };
  const compiledTarget =
    target.kind === 'journey'
      ? ctx.factsOf<JourneyFacts>(definitionKey('Journey', target.name))?.compiled
      : ctx.factsOf<CampaignFacts>(definitionKey('Campaign', target.name))?.compiled;
  const given = analyzeGiven(ctx, def, spec.given);
  const ids = new Set((spec.given.customers ?? []).map((c) => String(c.id)));
  const expect = analyzeExpectations(ctx, def, spec.expect, ids, compiledTarget ? vocabularyOf(compiledTarget) : undefined);

  let ok = given !== undefined && expect !== undefined;
  const start =
    spec.start !== undefined
      ? offsetInstant(spec.start)
      : given?.events.reduce<number | undefined>((m, e) => (m === undefined || e.at < m ? e.at : m), undefined);
  const until =
    spec.until !== undefined
      ? offsetInstant(spec.until)
      : expect?.reduce<number | undefined>((m, e) => (e.at !== undefined && (m === undefined || e.at > m) ? e.at : m), undefined);
  for (const key of ['start', 'until'] as const) {
    if (spec[key] !== undefined && offsetInstant(spec[key]!) === undefined) {
      ok = false;
      reportAt(ctx, def, 'HL430', { form: 'not-real-instant', raw: spec[key] }, ['spec', key]);
    }
  }
  if (start === undefined && target.kind === 'journey' && spec.start === undefined && given) {
    ok = false;
    reportAt(ctx, def, 'HL433', { form: 'the-test-has' }, ['spec'], { key: true, help: 'add `start: 2026-01-01T00:00Z`' });
  }
  if (start !== undefined && until !== undefined && until <= start) {
    ok = false;
    reportAt(
      ctx,
      def,
      'HL433',
      { form: 'the-test-ends', until: new Date(until).toISOString(), start: new Date(start).toISOString() },
      spec.until !== undefined ? ['spec', 'until'] : ['spec', 'expect'],
    );
  }
  if (!ok || !given || !expect) return {};
  const compiled: CompiledTest = {
    name: def.name,
    target,
    given,
    expect,
    segmentRefreshMs: parseDuration(spec.segment_refresh ?? '1h') ?? 3_600_000,
  };
  if (start !== undefined) compiled.start = start;
  if (until !== undefined) compiled.until = until;
  return { compiled };
};
