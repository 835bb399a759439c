import type { Anomaly } from './monitor.ts';
import { addCount, nameTable } from '../../compiler/contract/core/own.ts';

export type FileStatus = 'loaded' | 'reloaded' | 'skipped' | 'empty' | 'missing' | 'failed';

export interface FileSummary {
  source: string;
  /** Relative to the workspace; for `missing`, the pattern that matched nothing. */
  path: string;
  status: FileStatus;
  rows: number;
  accepted: number;
  rejected: number;
  rejectedByReason: Record<string, number>;
  eventsInserted: number;
  /** Why a file failed or is missing/empty. */
  message?: string;
}

/** The result of one ingest run: what `herald ingest --format json` prints (versioned). */
export interface IngestSummary {
  version: 1;
  files: FileSummary[];
  totals: {
    files: Record<FileStatus, number>;
    rows: number;
    accepted: number;
    rejected: number;
    eventsInserted: number;
    rejectedByReason: Record<string, number>;
  };
  anomalies: Anomaly[];
  /** True when a file failed or is missing: the run's data is incomplete (exit code 1). */
  incomplete: boolean;
}

export function summarize(files: FileSummary[], anomalies: Anomaly[]): IngestSummary {
  const statuses: Record<FileStatus, number> = { loaded: 0, reloaded: 0, skipped: 0, empty: 0, missing: 0, failed: 0 };
  const totals = { files: statuses, rows: 0, accepted: 0, rejected: 0, eventsInserted: 0, rejectedByReason: nameTable<number>() };
  for (const f of files) {
    statuses[f.status]++;
    totals.rows += f.rows;
    totals.accepted += f.accepted;
    totals.rejected += f.rejected;
    totals.eventsInserted += f.eventsInserted;
    for (const [reason, n] of Object.entries(f.rejectedByReason)) addCount(totals.rejectedByReason, reason, n);
  }
  totals.rejectedByReason = Object.fromEntries(Object.entries(totals.rejectedByReason).sort(([a], [b]) => (a < b ? -1 : 1)));
  return { version: 1, files, totals, anomalies, incomplete: statuses.failed + statuses.missing > 0 };
}

/** A human summary: a few lines, rejects by reason, flagged loads (the first `maxAnomalies`). */
export function formatSummary(summary: IngestSummary, options: { maxAnomalies?: number } = {}): string {
  const shown = options.maxAnomalies ?? 20;
  const t = summary.totals;
  const lines: string[] = [];
  const f = t.files;
  lines.push(
    `files: ${f.loaded} loaded, ${f.reloaded} reloaded (changed), ${f.skipped} skipped (unchanged)` +
      (f.empty ? `, ${f.empty} empty` : '') +
      (f.missing ? `, ${f.missing} missing` : '') +
      (f.failed ? `, ${f.failed} failed` : ''),
  );
  lines.push(`rows: ${n(t.rows)} read, ${n(t.accepted)} loaded (${n(t.eventsInserted)} events), ${n(t.rejected)} rejected`);
  for (const [reason, count] of Object.entries(t.rejectedByReason)) lines.push(`  rejected ${reason}: ${n(count)}`);
  for (const file of summary.files) {
    if (file.status === 'failed' || file.status === 'missing' || file.status === 'empty') {
      lines.push(`${file.status}: ${file.path}${file.message ? ` (${file.message})` : ''}`);
    }
  }
  if (summary.anomalies.length > 0) {
    lines.push(`flagged loads (far from the recent norm): ${summary.anomalies.length}`);
    for (const a of summary.anomalies.slice(0, shown)) lines.push(`  ${a.file}: ${a.message}`);
    if (summary.anomalies.length > shown)
      lines.push(`  … ${summary.anomalies.length - shown} more (\`herald ingest --format json\` lists all)`);
  }
  if (t.rejected > 0) lines.push('rejected rows are kept with their line and reason in the ingest_rejects table');
  return lines.join('\n');
}

function n(value: number): string {
  return value.toLocaleString('en-US');
}
