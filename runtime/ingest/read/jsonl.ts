import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { RawRecord, SourceRow } from './record.ts';
import { nameTable } from '../../../compiler/contract/core/own.ts';

/**
 * Streams a JSON Lines file: one JSON object per line, blank lines skipped. A line that is not a
 * JSON object becomes a record with a problem (rejected with its line), never a crash.
 */
export async function* readJsonl(path: string, encoding: 'utf8' | 'latin1'): AsyncGenerator<RawRecord> {
  for await (const batch of readJsonlBatches(path, encoding)) yield* batch;
}

/** As readJsonl, in arrays of up to 1,000 records. */
export async function* readJsonlBatches(path: string, encoding: 'utf8' | 'latin1'): AsyncGenerator<RawRecord[]> {
  let batch: RawRecord[] = [];
  for await (const record of jsonlRecords(path, encoding)) {
    batch.push(record);
    if (batch.length >= 1000) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

async function* jsonlRecords(path: string, encoding: 'utf8' | 'latin1'): AsyncGenerator<RawRecord> {
  const lines = createInterface({ input: createReadStream(path, { encoding }), crlfDelay: Infinity });
  let line = 0;
  for await (let text of lines) {
    line++;
    if (line === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    if (text.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      yield { line, raw: text, fields: null, problem: { reason: 'invalid_json', detail: (e as Error).message } };
      continue;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      yield { line, raw: text, fields: null, problem: { reason: 'invalid_json', detail: 'each line must be a JSON object' } };
      continue;
    }
    const fields: SourceRow = nameTable();
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      fields[k] = typeof v === 'string' ? (v.trim() === '' ? null : v.trim()) : v;
    }
    yield { line, raw: text, fields };
  }
}
