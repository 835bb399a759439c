/** Ingestion: Sources loaded into the database incrementally, validated, de-duplicated, watched. */
export { ingestSources, eventSourceOf, type IngestOptions, type ProgressEvent } from './ingest.ts';
export { ingestWorkspace, type WorkspaceIngestOptions } from './workspace.ts';
export { forgetCustomer, type ForgetResult } from './forget.ts';
export { formatSummary, type IngestSummary, type FileSummary, type FileStatus } from './summary.ts';
export type { Anomaly, FileStats } from './monitor.ts';
export type { SourceBlock, RuleBlock, EventsBlock, MonitorSettings } from '../../compiler/contract/source.ts';
export { DEFAULT_MONITOR } from '../../compiler/contract/source.ts';
export { compileRowRule, type RowRuleCompiler, type RowFn } from './row-rules.ts';
export { ingestTables, ensureIngestTables } from './store/index.ts';
