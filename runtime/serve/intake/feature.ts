import { workspaceSettings } from '../../workspace-settings.ts';
import type { Route, ServeContext, ServeFeature, ServeRequest, ServeResponse } from '../extension.ts';
import { json } from '../http/server.ts';
import { serverSettingsOf } from '../settings.ts';
import { WriteKeys } from './auth.ts';
import { MessageMapper, type MessageKind } from './messages.ts';
import { IntakeWriter, type WriteOutcome } from './writer.ts';
import type { MappedRow } from '../../ingest/map-row.ts';

/** Items of a batch at most (Segment's own limit is the 500 KB body, about this many small calls). */
const MAX_BATCH = 2_500;

interface ItemError {
  index: number;
  messageId?: string;
  reason: string;
  message: string;
}

/**
 * Event intake compatible with the Segment HTTP Tracking API: `POST /v1/track`, `/v1/identify`,
 * `/v1/page` and `/v1/batch`, with a write key as the Basic user name. A 200 means every message
 * is committed. Bad input is answered with a JSON error naming what is wrong; of a batch, the good
 * messages are stored and the answer lists the bad ones by index (status 400, so a sender sees it;
 * sending the batch again stores nothing twice, as every message is keyed by its messageId).
 */
export async function eventIntake(context: ServeContext): Promise<ServeFeature> {
  const settings = serverSettingsOf(context.manifest);
  const keys = WriteKeys.fromEnv(context.env, settings.writeKeyEnv);
  const timezone = workspaceSettings(context.manifest).timezone;
  const mapper = new MessageMapper(context.manifest.dataModel, timezone, () => context.now().getTime());
  const writer = await IntakeWriter.open(context.db, context.manifest.dataModel, () => Date.now());
  const accepted = context.metrics.counter('herald_events_accepted_total', 'Messages committed by event intake, by call type.', ['type']);
  const duplicates = context.metrics.counter(
    'herald_events_duplicate_total',
    'Messages already stored (a retried call or batch), not stored again.',
    ['type'],
  );
  const rejected = context.metrics.counter('herald_events_rejected_total', 'Messages refused by event intake, by reason.', ['reason']);

  const refuse = (status: number, reason: string, message: string, headers?: Record<string, string>): ServeResponse => {
    rejected.inc({ reason });
    return json(status, { success: false, error: reason, message }, headers);
  };

  async function handle(kind: MessageKind | 'batch', request: ServeRequest): Promise<ServeResponse> {
    if (keys.size === 0)
      return json(503, {
        success: false,
        error: 'no_write_key',
        message: `event intake is closed: ${settings.writeKeyEnv} is not set on the server`,
      });
    if (!keys.accepts(request.headers))
      return refuse(401, 'unauthorized', 'missing or wrong write key (send it as the HTTP Basic user name)', {
        'WWW-Authenticate': 'Basic realm="herald"',
      });
    let body: unknown;
    try {
      body = JSON.parse(request.body.toString('utf8'));
    } catch (e) {
      return refuse(400, 'malformed_json', `the body is not JSON: ${(e as Error).message}`);
    }
    const items: Array<{ kind: MessageKind; message: unknown }> = [];
    if (kind === 'batch') {
      const batch = (body as { batch?: unknown } | null)?.batch;
      if (!Array.isArray(batch)) return refuse(400, 'invalid_batch', 'a batch body is {"batch": [...]}');
      if (batch.length > MAX_BATCH)
        return refuse(400, 'invalid_batch', `a batch holds at most ${MAX_BATCH} messages, this one ${batch.length}`);
      for (const m of batch) items.push({ kind: kindOf(m), message: m });
    } else items.push({ kind, message: body });

    const rows: MappedRow[] = [];
    const rowItems: number[] = [];
    const errors: ItemError[] = [];
    items.forEach((item, index) => {
      const messageId = messageIdOf(item.message);
      const outcome = item.kind === ('unsupported' as MessageKind) ? undefined : mapper.map(item.kind, item.message);
      if (!outcome || !outcome.ok) {
        const reason = outcome ? outcome.reason : 'unsupported_type';
        const message = outcome
          ? outcome.message
          : `type "${String((item.message as { type?: unknown })?.type)}" is not taken (track, identify and page are)`;
        rejected.inc({ reason });
        errors.push({ index, ...(messageId !== undefined ? { messageId } : {}), reason, message });
        return;
      }
      rows.push(outcome.mapped);
      rowItems.push(index);
    });

    let outcomes: WriteOutcome[];
    try {
      outcomes = await writer.write(rows);
    } catch (e) {
      context.log.error('event intake could not commit', { error: e, messages: rows.length });
      return json(503, { success: false, error: 'unavailable', message: 'the events could not be stored; retry' }, { 'Retry-After': '1' });
    }
    let stored = 0;
    outcomes.forEach((o, k) => {
      const type = items[rowItems[k]!]!.kind;
      if (o === 'duplicate') duplicates.inc({ type });
      else if (o === 'forgotten') rejected.inc({ reason: 'forgotten_customer' });
      else {
        stored++;
        accepted.inc({ type });
      }
    });
    if (stored > 0) context.wake();
    if (errors.length === 0) return json(200, { success: true });
    if (kind !== 'batch') return json(400, { success: false, error: errors[0]!.reason, message: errors[0]!.message });
    return json(400, {
      success: false,
      error: 'invalid_messages',
      message: `${errors.length} of ${items.length} messages were refused; the others are stored`,
      stored: outcomes.filter((o) => o !== 'forgotten').length,
      errors,
    });
  }

  const route = (path: string, kind: MessageKind | 'batch'): Route => ({
    method: 'POST',
    path,
    bodyLimit: settings.bodyLimit,
    handle: (r) => handle(kind, r),
  });
  return {
    name: 'event-intake',
    routes: [route('/v1/track', 'track'), route('/v1/identify', 'identify'), route('/v1/page', 'page'), route('/v1/batch', 'batch')],
  };
}

function kindOf(message: unknown): MessageKind {
  const type = (message as { type?: unknown } | null)?.type;
  return type === 'track' || type === 'identify' || type === 'page' ? type : ('unsupported' as MessageKind);
}

function messageIdOf(message: unknown): string | undefined {
  const id = (message as { messageId?: unknown } | null)?.messageId;
  return typeof id === 'string' ? id.slice(0, 200) : undefined;
}
