import { maskFields } from '../../compiler/contract/personal-data.ts';
import type { DataModel } from '../../compiler/contract/data-model.ts';
import type { RuleBlock, SourceBlock } from '../../compiler/contract/source.ts';
import type { RawRecord } from './read/record.ts';
import { readCsvBatches } from './read/csv.ts';
import { readJsonlBatches } from './read/jsonl.ts';
import type { MapOutcome } from './map-row.ts';
import type { FileStats } from './monitor.ts';
import type { RejectRow, Row, StoreTx } from './store/types.ts';
import { Identity } from './identity.ts';
import { collectCustomer, mergeInto, placeRow } from './place-row.ts';
import type { ForgottenCustomers } from './forgotten.ts';
import type { WriteCache } from './write-cache.ts';
import { addCount, nameTable } from '../../compiler/contract/core/own.ts';

/** Rows per flush: big enough to amortize statements, small enough to keep memory flat. */
export const BATCH_ROWS = 2_000;

export interface FileLoad {
  stats: FileStats;
  /** Accepted rows (loaded as an event, or as a customer/item row). */
  accepted: number;
  rejectedByReason: Record<string, number>;
  eventsInserted: number;
}

export interface LoadFileInput {
  source: SourceBlock;
  model: DataModel;
  /** Path relative to the workspace (what is recorded), and on disk. */
  path: string;
  absPath: string;
  /** The file's bytes when they were read whole (small files): parsed from memory, not re-read. */
  bytes?: Buffer;
  /** The `events.source` value of this file's events: `<source>:<path>`. */
  eventSource: string;
  mapRow: (row: Record<string, unknown>) => MapOutcome;
  identity: Identity;
  /** Customers and items this run already wrote, to skip rows that change nothing. */
  cache: WriteCache;
  /** Customers erased by `herald forget` (forgotten.ts): their rows are not loaded again. */
  forgotten: ForgottenCustomers;
  /** The load's clock reading, stored as customers.updated_at. */
  now: number;
  onRows?: (rows: number) => void;
}

/**
 * Loads one file inside the caller's transaction: reads records as a stream, maps and coerces
 * them, and writes them in batches. Every record ends up either accepted or in the rejects table
 * with its line and reason, so rows read = accepted + rejected, always.
 */
export async function loadFile(tx: StoreTx, input: LoadFileInput): Promise<FileLoad> {
  const { source } = input;
  // Keyed by user names (event types, reject reasons) and by data (countries): maps without prototype.
  const stats: FileStats = { rows: 0, rejected: 0, events: nameTable(), customers: 0, countries: nameTable() };
  const result: FileLoad = { stats, accepted: 0, rejectedByReason: nameTable(), eventsInserted: 0 };
  const seenCustomers = new Set<string>();
  const mask = rawMasker(source.piiColumns);

  let customers = new Map<string, Row>();
  let items = new Map<string, Row>();
  // Parallel arrays (row, its record, its country): no wrapper object per event.
  let events: Row[] = [];
  // Of each event's record only its line and (masked) text are kept until the flush, for the
  // duplicate_event reject: the parsed fields can go at once instead of outliving the batch.
  let eventLines: number[] = [];
  let eventRaws: Array<string | null> = [];
  let eventCountries: unknown[] = [];
  let rejects: RejectRow[] = [];

  const isForgotten = (id: unknown) => input.forgotten.has(id);
  const addRejectAt = (line: number, raw: string | null, reason: string, detail: string, customerId: string | null) => {
    if (isForgotten(customerId)) {
      // Nothing of an erased customer is kept, not even in the rejects table.
      rejects.push({
        source: source.name,
        file: input.path,
        line,
        reason: 'forgotten_customer',
        detail: null,
        raw: null,
        customer_id: null,
      });
      addCount(result.rejectedByReason, 'forgotten_customer');
      stats.rejected++;
      return;
    }
    rejects.push({ source: source.name, file: input.path, line, reason, detail, raw, customer_id: customerId });
    addCount(result.rejectedByReason, reason);
    stats.rejected++;
  };
  const addReject = (record: RawRecord, reason: string, detail: string, customerId: string | null) =>
    addRejectAt(record.line, mask(record), reason, detail, customerId);
  const accept = (customerId: unknown, type: string | undefined, country: unknown) => {
    result.accepted++;
    if (typeof customerId === 'string') seenCustomers.add(customerId);
    if (type !== undefined) addCount(stats.events, type);
    if (typeof country === 'string') addCount(stats.countries, country);
  };

  const flush = async () => {
    const customerRows = input.cache.changed('customers', customers.values(), 'updated_at');
    if (customerRows.length > 0) await tx.upsertCustomers(customerRows);
    if (events.length > 0) {
      const inserted = await tx.insertEvents(events);
      for (let i = 0; i < inserted.length; i++) {
        const row = events[i]!;
        if (inserted[i]) {
          result.eventsInserted++;
          accept(row.customer_id, row.type as string, eventCountries[i]);
        } else {
          addRejectAt(
            eventLines[i]!,
            eventRaws[i]!,
            'duplicate_event',
            `an event with the same key (${String(row.id)}) is already loaded`,
            row.customer_id as string,
          );
        }
      }
    }
    const itemRows = input.cache.changed('items', items.values(), '');
    if (itemRows.length > 0) await tx.upsertItems(itemRows);
    if (rejects.length > 0) await tx.insertRejects(rejects);
    customers = new Map();
    items = new Map();
    events = [];
    eventLines = [];
    eventRaws = [];
    eventCountries = [];
    rejects = [];
  };

  const onHeader = (columns: string[]) => checkHeader(source, columns);
  const batches =
    source.format === 'csv'
      ? readCsvBatches(input.bytes ?? input.absPath, { ...source.csv, onHeader })
      : readJsonlBatches(input.absPath, source.csv.encoding);
  let pending = 0;
  for await (const batch of batches)
    for (const record of batch) {
      stats.rows++;
      pending++;
      if (!record.fields) {
        addReject(record, record.problem!.reason, record.problem!.detail, null);
      } else {
        const outcome = input.mapRow(record.fields);
        if (!outcome.ok) {
          addReject(
            record,
            outcome.reason,
            outcome.detail,
            outcome.customerId === null ? null : input.identity.resolve(outcome.customerId),
          );
        } else if (isForgotten(outcome.mapped.customer?.id ?? outcome.mapped.event?.customer_id)) {
          addReject(record, 'forgotten_customer', '', (outcome.mapped.customer?.id ?? outcome.mapped.event?.customer_id) as string);
        } else {
          const { customer, event, item } = outcome.mapped;
          const placed = placeRow(tx, input.identity, outcome.mapped, input.now);
          const id = typeof placed === 'object' ? await placed : placed;
          // An event's customer always exists, even when this source maps no profile fields.
          if (id !== undefined) collectCustomer(customers, id, customer, input.now);
          if (item) mergeInto(items, item.id as string, item);
          if (event) {
            event.source = input.eventSource;
            events.push(event);
            eventLines.push(record.line);
            eventRaws.push(mask(record));
            eventCountries.push(customer?.country);
          } else accept(customer?.id, undefined, customer?.country);
        }
      }
      if (pending >= BATCH_ROWS) {
        await flush();
        input.onRows?.(pending);
        pending = 0;
      }
    }
  await flush();
  if (pending > 0) input.onRows?.(pending);
  stats.customers = seenCustomers.size;
  return result;
}

/** A file that cannot be loaded at all (its rows are not even looked at). */
export class FileProblem extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FileProblem';
  }
}

/**
 * A header that lacks a column the mappings read means the wrong file or the wrong delimiter:
 * every row would be rejected for the same reason, so the file is refused with that one reason.
 */
function checkHeader(source: SourceBlock, columns: string[]): void {
  const wanted = referencedColumns(source);
  const missing = wanted.filter((c) => !columns.includes(c));
  if (missing.length === 0) return;
  const other = [',', ';', '\t', '|'].find((d) => d !== source.csv.delimiter && columns.length === 1 && columns[0]!.includes(d));
  const hint = other ? `; the header looks ${other === '\t' ? 'tab' : `"${other}"`}-separated: set csv.delimiter` : '';
  throw new FileProblem(
    `the header lacks column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} that the mappings read (found: ${columns.join(', ')})${hint}`,
  );
}

const columnsCache = new WeakMap<SourceBlock, string[]>();

/** Every source column a rule of the source reads (from the rules' ASTs). */
export function referencedColumns(source: SourceBlock): string[] {
  let cached = columnsCache.get(source);
  if (cached) return cached;
  const out = new Set<string>();
  const rules: RuleBlock[] = [
    ...source.rejectWhen.map((r) => r.rule),
    ...Object.values(source.customers ?? {}),
    ...Object.values(source.items ?? {}),
    ...(source.events ? [source.events.type, source.events.customer_id, source.events.at, ...Object.values(source.events.properties)] : []),
    ...(source.eventId ? [source.eventId] : []),
  ];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(visit);
    else if (typeof node === 'object' && node !== null) {
      const n = node as { kind?: string; segments?: string[] };
      if (n.kind === 'path' && n.segments) out.add(n.segments.join('.'));
      else for (const v of Object.values(node)) if (typeof v === 'object') visit(v);
    }
  };
  for (const r of rules) visit(r.ast);
  cached = [...out].sort();
  columnsCache.set(source, cached);
  return cached;
}

/**
 * What the rejects table keeps of a row: its text as in the file, unless the source maps columns
 * into personal-data fields; then the parsed row with those columns masked, or, when the row could
 * not be parsed (so nothing can be masked reliably), only its length.
 */
function rawMasker(piiColumns: readonly string[]): (record: RawRecord) => string | null {
  if (piiColumns.length === 0) return (record) => record.raw;
  const pii = new Set(piiColumns);
  return (record) => {
    if (!record.fields) return `[withheld: ${record.raw.length} characters; the source holds personal data]`;
    return JSON.stringify(maskFields(record.fields, pii));
  };
}
