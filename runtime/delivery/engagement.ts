import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Database } from '../db/database.ts';
import type { Manifest } from '../../compiler/contract/manifest.ts';
import type { EmailEventType } from '../../compiler/contract/email-events.ts';
import { keyOfMessageId } from './keys.ts';
import { OUTBOX } from './outbox.ts';
import { DELIVERY_CODES, problemAt, type DeliveryProblem } from './problems.ts';
import { addSuppression, type SuppressionListReason } from './suppressions.ts';
import { parseProviderFile, type Provider } from '../webhooks/providers.ts';
import { own } from '../../compiler/contract/core/own.ts';
import { offsetInstant } from '../../compiler/contract/core/instants.ts';
import { deliveryRunMessages } from '../../compiler/contract/messages/delivery-run.ts';

/**
 * Engagement reported by a mail provider (a webhook log): delivered, opened, clicked, bounced,
 * unsubscribed, complained. Each record names the message by the Message-ID Herald sent; the
 * outbox row it names says which customer, template, journey or campaign and variant it was, so
 * the event lands in the events table as `email_<event>` with those properties, where rules and
 * `herald report` read it. Unsubscribes, complaints and hard bounces also put the customer on the
 * suppression list from the event's instant. Importing the same record again changes nothing
 * (event ids are derived from the record).
 */
export const ENGAGEMENT_KINDS = ['delivered', 'opened', 'clicked', 'bounced', 'unsubscribed', 'complained'] as const;
export type EngagementKind = (typeof ENGAGEMENT_KINDS)[number];

export interface EngagementRecord {
  event: EngagementKind;
  messageId: string;
  at: number;
  url?: string;
  bounceType?: 'hard' | 'soft';
}

export interface EngagementResult {
  /** Events newly stored. */
  loaded: number;
  /** Records already imported before. */
  duplicates: number;
  /** Records skipped (invalid, or naming no message of this outbox), each with a problem. */
  skipped: number;
  /** Customers newly put on the suppression list. */
  suppressed: number;
  problems: DeliveryProblem[];
}

const SUPPRESSES: Partial<Record<EngagementKind, SuppressionListReason>> = {
  unsubscribed: 'unsubscribed',
  complained: 'complained',
  bounced: 'bounced',
};

/** Parses one log line (JSON); returns the record or why it is not one. */
export function parseEngagementLine(line: string): EngagementRecord | { error: string } {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { error: 'not a JSON object' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { error: 'not a JSON object' };
  const v = value as Record<string, unknown>;
  if (typeof v.event !== 'string' || !(ENGAGEMENT_KINDS as readonly string[]).includes(v.event)) {
    return { error: `"event" must be one of ${ENGAGEMENT_KINDS.join(', ')}${typeof v.event === 'string' ? ` (got "${v.event}")` : ''}` };
  }
  if (typeof v.message_id !== 'string' || v.message_id.trim() === '') return { error: '"message_id" is missing' };
  const at = instantOf(v.at);
  if (at === undefined) return { error: '"at" must be an ISO timestamp with a zone (2026-03-10T12:00:00Z) or epoch milliseconds' };
  const record: EngagementRecord = { event: v.event as EngagementKind, messageId: v.message_id.trim().replace(/^<|>$/g, ''), at };
  if (v.url !== undefined) {
    if (typeof v.url !== 'string') return { error: '"url" must be a string' };
    record.url = v.url;
  }
  if (v.bounce_type !== undefined) {
    if (v.bounce_type !== 'hard' && v.bounce_type !== 'soft') return { error: '"bounce_type" must be hard or soft' };
    record.bounceType = v.bounce_type;
  }
  return record;
}

function instantOf(raw: unknown): number | undefined {
  if (typeof raw === 'number' && Number.isFinite(raw)) return raw;
  return typeof raw === 'string' ? offsetInstant(raw) : undefined;
}

/** Imports a JSON-lines engagement log. Problems name the file and line, never a customer. */
export async function ingestEngagementFile(db: Database, manifest: Manifest, path: string, label = path): Promise<EngagementResult> {
  const text = await readFile(path, 'utf8');
  const records: Array<{ where: string; record: EngagementRecord }> = [];
  const problems: DeliveryProblem[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    const parsed = parseEngagementLine(line);
    const where = `${label}:${i + 1}`;
    if ('error' in parsed)
      problems.push(
        problemAt(where, {
          code: DELIVERY_CODES.badEngagementLine,
          severity: 'error',
          message: deliveryRunMessages.HL537({ line: parsed.error }),
        }),
      );
    else records.push({ where, record: parsed });
  });
  const result = await ingestEngagement(db, manifest, records);
  return { ...result, skipped: result.skipped + problems.length, problems: [...problems, ...result.problems] };
}

/** Imports a file in a mail provider's own webhook format (runtime/webhooks/providers.ts). */
export async function ingestProviderFile(
  db: Database,
  manifest: Manifest,
  provider: Provider,
  path: string,
  label = path,
): Promise<EngagementResult> {
  const parsed = parseProviderFile(provider, await readFile(path, 'utf8'));
  const problems: DeliveryProblem[] = parsed.problems.map((message) =>
    problemAt(label, { code: DELIVERY_CODES.badEngagementLine, severity: 'error', message: deliveryRunMessages.HL537({ line: message }) }),
  );
  const result = await ingestEngagement(
    db,
    manifest,
    parsed.records.map((record) => ({ where: label, record })),
  );
  return { ...result, skipped: result.skipped + problems.length, problems: [...problems, ...result.problems] };
}

export async function ingestEngagement(
  db: Database,
  manifest: Manifest,
  records: ReadonlyArray<{ where?: string; record: EngagementRecord }>,
): Promise<EngagementResult> {
  const result: EngagementResult = { loaded: 0, duplicates: 0, skipped: 0, suppressed: 0, problems: [] };
  for (let i = 0; i < records.length; i += 500) {
    const chunk = records.slice(i, i + 500);
    await db.transaction(async (trx) => {
      const keys = [...new Set(chunk.map((c) => keyOfMessageId(c.record.messageId)).filter((k): k is string => k !== undefined))];
      const rows =
        keys.length === 0
          ? []
          : await trx
              .selectFrom(OUTBOX)
              .select(['idempotency_key', 'customer_id', 'template', 'origin_name', 'variant', 'message_id'])
              .where('idempotency_key', 'in', keys)
              .execute();
      const byKey = new Map(rows.map((r) => [String(r.idempotency_key), r]));
      for (const { where, record } of chunk) {
        const key = keyOfMessageId(record.messageId);
        const row = key ? byKey.get(key) : undefined;
        if (!row) {
          result.skipped++;
          result.problems.push(
            problemAt(where, {
              code: DELIVERY_CODES.unknownMessage,
              severity: 'warning',
              message: deliveryRunMessages.HL538({ messageId: record.messageId, event: record.event }),
            }),
          );
          continue;
        }
        const type: EmailEventType = `email_${record.event}`;
        const declared = own(manifest.dataModel.events, type);
        if (!declared) {
          result.skipped++;
          continue;
        }
        const props: Record<string, unknown> = {
          message_id: String(row.message_id),
          template: String(row.template),
          journey: String(row.origin_name),
          variant: row.variant ?? null,
          url: record.url ?? null,
          bounce_type: record.bounceType ?? null,
        };
        const event: Record<string, unknown> = {
          id: eventId(type, key!, record),
          customer_id: String(row.customer_id),
          type,
          at: record.at,
          source: 'engagement',
        };
        for (const [prop, value] of Object.entries(props)) if (own(declared, prop)) event[prop] = value;
        const inserted = await trx
          .insertInto('events')
          .values(event)
          .onConflict((oc) => oc.column('id').doNothing())
          .executeTakeFirst();
        if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 0) {
          result.duplicates++;
          continue;
        }
        result.loaded++;
        const reason = SUPPRESSES[record.event];
        if (reason && !(record.event === 'bounced' && record.bounceType === 'soft')) {
          const before = await trx
            .selectFrom('delivery_suppressions')
            .select('at')
            .where('customer_id', '=', String(row.customer_id))
            .where('reason', '=', reason)
            .executeTakeFirst();
          if (!before) {
            await addSuppression(trx, { customerId: String(row.customer_id), reason, at: record.at, source: String(row.message_id) });
            result.suppressed++;
          }
        }
      }
    });
  }
  return result;
}

/** The same record always gets the same id, so a log imported twice loads once. */
function eventId(type: string, key: string, r: EngagementRecord): string {
  return `${type}:${key}:${createHash('sha256')
    .update(`${r.at}\u0000${r.url ?? ''}`)
    .digest('hex')
    .slice(0, 16)}`;
}
