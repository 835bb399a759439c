/**
 * Running one Test document: a fresh, throwaway SQLite database in memory with the workspace's
 * schema, the given customers and events, the target journey or campaign alone on a simulated
 * clock from `start` to `until` (every instant exactly: resolution 0), through the real outbox,
 * gates and rendering with a capturing transport; then every expectation checked.
 */
import type { CompiledTest } from '../../../compiler/contract/journey.ts';
import type { Manifest } from '../../../compiler/contract/manifest.ts';
import { migrate } from '../../db/migrate.ts';
import { openDatabase } from '../../db/open.ts';
import { syncSchema } from '../../db/sync.ts';
import { listDeliveries } from '../../delivery/outbox.ts';
import type { DeliveryRecord } from '../../delivery/types.ts';
import { traitTableSpecs } from '../../manifest.ts';
import { launchInstant } from '../campaigns.ts';
import { runJourneys } from '../runner.ts';
import type { JourneyProblem } from '../types.ts';
import { campaignsOf } from '../versions.ts';
import { CapturingTransport } from '../transports.ts';
import { checkExpectation, type ExpectationFailure } from './expectations.ts';
import { loadGiven } from './given.ts';

const DAY = 86_400_000;

export interface TestResult {
  name: string;
  target: CompiledTest['target'];
  passed: boolean;
  start: number;
  until: number;
  failures: ExpectationFailure[];
  /** Everything the run put in the outbox, in due order. */
  records: DeliveryRecord[];
  problems: JourneyProblem[];
  durationMs: number;
}

export async function runTest(manifest: Manifest, test: CompiledTest, now: () => number = Date.now): Promise<TestResult> {
  const began = now();
  const { start, until } = spanOf(manifest, test);
  const db = openDatabase('sqlite::memory:');
  try {
    await migrate(db);
    await syncSchema(db, manifest.dataModel, traitTableSpecs(manifest));
    await loadGiven(db, manifest, test.given, start);
    const only =
      test.target.kind === 'journey' ? { journeys: [test.target.name], campaigns: [] } : { journeys: [], campaigns: [test.target.name] };
    const summary = await runJourneys(db, manifest, {
      from: start,
      until,
      transport: new CapturingTransport(),
      workerId: `test-${test.name}`,
      resolutionMs: 0,
      segmentRefreshMs: test.segmentRefreshMs,
      only,
    });
    const records = await listDeliveries(db.kysely);
    const failures = test.expect.map((e) => checkExpectation(e, records)).filter((f): f is ExpectationFailure => f !== undefined);
    return {
      name: test.name,
      target: test.target,
      passed: failures.length === 0,
      start,
      until,
      failures,
      records,
      problems: summary.problems,
      durationMs: now() - began,
    };
  } finally {
    await db.close();
  }
}

/** The simulated clock's span: as written, else from the given data and the expectations. */
export function spanOf(manifest: Manifest, test: CompiledTest): { start: number; until: number } {
  let start = test.start;
  if (start === undefined && test.target.kind === 'campaign') {
    const campaign = campaignsOf(manifest).find((c) => c.name === test.target.name);
    if (campaign) start = launchInstant(campaign) - DAY;
  }
  // The compiler requires a start for a journey test without events; this is only a fallback.
  start ??= Math.min(...test.given.events.map((e) => e.at), Date.UTC(2000, 0, 1));
  // One millisecond before: an event at the start itself is inside the first slice.
  start -= 1;
  const until = test.until ?? start + 30 * DAY;
  return { start, until: Math.max(until, start + 1) };
}
