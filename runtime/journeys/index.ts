/**
 * Journeys and campaigns at run time: durable state machines in the database, advanced on a real
 * or simulated clock, sending through the delivery outbox. See runner.ts for a run's order of
 * work, versions.ts for how journey versions are kept, simulate.ts for runs that leave no trace.
 */
export { runJourneys, RunBackInTimeError, type RunOptions, type RunSummary } from './runner.ts';
export { journeysOf, campaignsOf, versionOf, type RuntimeJourney, type RuntimeCampaign } from './versions.ts';
export { assignVariant, bucketOf, HOLDOUT } from './assign.ts';
export type { Entry, EntryContext, ExitReason, JourneyProblem } from './types.ts';
export { journeyDiagram, type DiagramOptions } from './diagram.ts';
export { simulate, type Forecast, type SimulateOptions } from './simulate.ts';
export { CapturingTransport, DiscardingTransport } from './transports.ts';
export { runTest, spanOf, type TestResult } from './tests/run-test.ts';
