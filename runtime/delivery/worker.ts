import type { Database } from '../db/database.ts';
import type { Manifest } from '../../compiler/contract/manifest.ts';
import type { CompiledTemplate } from '../../compiler/contract/template.ts';
import { claimBatch, type ClaimedSend } from './claim.ts';
import { MessageComposer } from './message.ts';
import { DELIVERY_CODES, type DeliveryProblem } from './problems.ts';
import { recordRenderFailed, recordSent, recordTransportError, releaseClaims, type SentOutcome } from './record.ts';
import { RenderInputLoader } from './render-input.ts';
import { deliverySettingsOf, type DeliverySettings } from './settings.ts';
import { stoppedLocalWorkers } from './liveness.ts';
import { OUTBOX } from './outbox.ts';
import type { SuppressionReason, Transport } from './types.ts';
import { LinkSigner } from '../recipient/tokens.ts';
import { previewSecret } from '../recipient/secret.ts';
import { dkimSignerOf, type DkimSigner } from '../recipient/dkim.ts';
import { deliveryRunMessages } from '../../compiler/contract/messages/delivery-run.ts';

/**
 * The delivery worker: `deliverDue` drains what is due at `now`, batch by batch:
 *
 *   1. claim (one transaction): take due rows, run the gates, mark the rest `sending` (claim.ts);
 *   2. render each claimed send from the database (templates compiled once per call);
 *   3. hand it to the transport;
 *   4. record the outcome: `sent`, a retry, `failed`, or `suppressed` for a render failure.
 *
 * Why nothing is lost or sent twice:
 * - A send exists only as an outbox row, inserted with the journey step that caused it (outbox.ts).
 * - A crash before step 3 leaves the row `sending`; it is claimed again once its lease expires,
 *   at once by a worker restarted with the same `workerId`, or, with the default `<host>:<pid>@<start>`
 *   ids, by any worker on the same machine that sees the claim's process is gone (liveness.ts).
 * - A crash between 3 and 4 is the one duplicate window: the message went out but is not recorded.
 *   The file transport is idempotent (files named by key, written atomically: the rewrite is the
 *   same files). For SMTP the re-sent message carries the same Message-ID, derived from the
 *   idempotency key, so receiving systems can recognise it; the window is one message per worker
 *   (outcomes of non-idempotent transports are recorded as each message is accepted).
 * - Re-running a window finds the rows already `sent` and does nothing.
 * - A pause (the `signal` aborts) stops after the message in hand and hands every claimed,
 *   unsent row back to `queued`.
 */
export interface DeliverOptions {
  /** The run's clock: what is due, quiet hours, caps and the Date header are judged at this instant. */
  now: number;
  manifest: Manifest;
  transport: Transport;
  /** Unique among live workers; a restarted worker should reuse its id to resume its claims at once. */
  workerId: string;
  /** Default: the manifest's Workspace `delivery` block. */
  settings?: DeliverySettings;
  /** Rows per claim (default 200). */
  batchSize?: number;
  /** Claim at most this many rows in this call (default: everything due). */
  limit?: number;
  /** The wall clock, for claim leases (default Date.now). */
  wallClock?: () => number;
  /** Aborting pauses the worker: it stops and releases its unsent claims. */
  signal?: AbortSignal;
  /**
   * Signs the unsubscribe, preferences and tracking links of every message (runtime/recipient/).
   * Default: `HERALD_SECRET`, else a throwaway key for this process (links that no server will
   * accept: commands that really send require the secret before they get here).
   */
  signer?: LinkSigner;
  /** The environment DKIM's private key is read from (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Called after each batch with the running totals. */
  onBatch?: (summary: Readonly<DeliverySummary>) => void;
}

export interface DeliverySummary {
  sent: number;
  suppressed: Partial<Record<SuppressionReason, number>>;
  /** Moved later by quiet hours or a rate limit. */
  delayed: number;
  /** Failed this time, queued for another try. */
  retrying: number;
  failed: number;
  /** Claims resumed from a stopped worker. */
  recovered: number;
  /** The stopped workers they were resumed from. */
  recoveredFrom: string[];
  /** Claimed but handed back by a pause. */
  released: number;
  problems: DeliveryProblem[];
}

export async function deliverDue(db: Database, options: DeliverOptions): Promise<DeliverySummary> {
  const settings = options.settings ?? deliverySettingsOf(options.manifest);
  const templates = templatesOf(options.manifest);
  const signer = options.signer ?? new LinkSigner(previewSecret());
  const composer = new MessageComposer(templates, settings, signer);
  const dkim = dkimSignerOf(settings, options.env ?? process.env);
  const loader = new RenderInputLoader(db, options.manifest, settings, options.now, signer);
  const wallClock = options.wallClock ?? Date.now;
  const batchSize = options.batchSize ?? 200;
  const summary: DeliverySummary = {
    sent: 0,
    suppressed: {},
    delayed: 0,
    retrying: 0,
    failed: 0,
    recovered: 0,
    recoveredFrom: [],
    released: 0,
    problems: [],
  };
  const tally = new Tally();
  let claimed = 0;
  let first = true;
  const recoverFrom = await stoppedClaimants(db, options.workerId);
  while (!options.signal?.aborted && (options.limit === undefined || claimed < options.limit)) {
    const claim = await claimBatch(db, {
      manifest: options.manifest,
      settings,
      now: options.now,
      workerId: options.workerId,
      wallClock: wallClock(),
      limit: Math.min(batchSize, options.limit === undefined ? Infinity : options.limit - claimed),
      recoverOwn: first,
      recoverFrom,
    });
    first = false;
    const taken = claim.sends.length + claim.suppressed.length + claim.delayed.length + claim.failed.length;
    if (taken === 0) break;
    claimed += taken;
    summary.recovered += claim.recovered;
    for (const w of claim.recoveredFrom) if (!summary.recoveredFrom.includes(w)) summary.recoveredFrom.push(w);
    summary.delayed += claim.delayed.length;
    for (const s of claim.suppressed) summary.suppressed[s.reason] = (summary.suppressed[s.reason] ?? 0) + 1;
    for (const f of claim.failed) tally.add(DELIVERY_CODES.missingTemplate, f.reason);
    summary.failed += claim.failed.length;
    await sendBatch(db, options, settings, composer, dkim, await loader.inputsFor(claim.sends, templates), claim.sends, summary, tally);
    options.onBatch?.(summary);
  }
  summary.problems = tally.problems(summary);
  return summary;
}

/** Workers on this machine that hold `sending` claims and are no longer running (see liveness.ts). */
async function stoppedClaimants(db: Database, self: string): Promise<string[]> {
  const rows = await db.kysely
    .selectFrom(OUTBOX)
    .select('claimed_by')
    .distinct()
    .where('status', '=', 'sending')
    .where('claimed_by', 'is not', null)
    .execute();
  return stoppedLocalWorkers(
    rows.map((r) => String(r.claimed_by)),
    self,
  );
}

async function sendBatch(
  db: Database,
  o: DeliverOptions,
  settings: DeliverySettings,
  composer: MessageComposer,
  dkim: DkimSigner | undefined,
  inputs: Awaited<ReturnType<RenderInputLoader['inputsFor']>>,
  sends: readonly ClaimedSend[],
  summary: DeliverySummary,
  tally: Tally,
): Promise<void> {
  const pending: SentOutcome[] = [];
  const flush = async () => {
    const lost = await recordSent(db, o.manifest, pending, o.now, o.workerId);
    summary.sent += pending.length - lost.length;
    for (const key of lost) tally.add(DELIVERY_CODES.claimLost, key);
    pending.length = 0;
  };
  try {
    for (const [i, send] of sends.entries()) {
      if (o.signal?.aborted) {
        summary.released += await releaseClaims(
          db.kysely,
          sends.slice(i).map((s) => s.key),
          o.workerId,
        );
        break;
      }
      let composed;
      try {
        composed = composer.compose(send, inputs.get(send.key)!, o.now);
        if (composed.ok && dkim) composed.message.mime = await dkim.sign(composed.message.mime);
      } catch (e) {
        composed = { ok: false as const, reason: `the message could not be built: ${(e as Error).message}` };
      }
      if (!composed.ok) {
        if (await recordRenderFailed(db.kysely, send, composed.reason, o.workerId)) {
          summary.suppressed.render_failed = (summary.suppressed.render_failed ?? 0) + 1;
          tally.add(DELIVERY_CODES.renderFailed, `${send.template}: ${composed.reason}`);
        } else tally.add(DELIVERY_CODES.claimLost, send.key);
        continue;
      }
      let response: string | undefined;
      try {
        response = (await o.transport.send(composed.message)).response;
      } catch (e) {
        const outcome = await recordTransportError(db.kysely, send, e, o.now, settings, o.workerId);
        if (outcome.lost) tally.add(DELIVERY_CODES.claimLost, send.key);
        else if (outcome.status === 'queued') summary.retrying++;
        else {
          summary.failed++;
          tally.add(outcome.permanent ? DELIVERY_CODES.permanentFailure : DELIVERY_CODES.gaveUp, outcome.error);
        }
        continue;
      }
      pending.push({ send, ...(response !== undefined ? { response } : {}) });
      // Only an idempotent transport may have several accepted messages unrecorded at once.
      if (!o.transport.idempotent) await flush();
    }
  } finally {
    await flush();
  }
}

function templatesOf(manifest: Manifest): Map<string, CompiledTemplate> {
  const out = new Map<string, CompiledTemplate>();
  for (const d of Object.values(manifest.definitions))
    if (d.kind === 'Template' && d.compiled) out.set(d.name, d.compiled as CompiledTemplate);
  return out;
}

/** Problems of a run, grouped: one line per code and distinct reason, with how many sends it concerns. */
type TalliedCode = 'HL531' | 'HL532' | 'HL533' | 'HL535' | 'HL536';

class Tally {
  private readonly counts = new Map<TalliedCode, Map<string, number>>();

  add(code: TalliedCode, reason: string): void {
    const byReason = this.counts.get(code) ?? new Map<string, number>();
    byReason.set(reason, (byReason.get(reason) ?? 0) + 1);
    this.counts.set(code, byReason);
  }

  problems(summary: DeliverySummary): DeliveryProblem[] {
    const out: DeliveryProblem[] = [];
    if (summary.recovered > 0) {
      out.push({
        code: DELIVERY_CODES.recovered,
        severity: 'info',
        message: deliveryRunMessages.HL534({ recovered: summary.recovered, workers: summary.recoveredFrom.sort() }),
      });
    }
    for (const [code, byReason] of this.counts) {
      if (code === DELIVERY_CODES.claimLost) {
        out.push({
          code,
          severity: 'warning',
          message: deliveryRunMessages.HL535({ keys: [...byReason.keys()] }),
          help: 'raise delivery.claim_lease well above the transport timeout',
        });
        continue;
      }
      for (const [reason, n] of byReason) {
        const severity = code === DELIVERY_CODES.missingTemplate ? 'error' : 'warning';
        out.push({ code, severity, message: deliveryRunMessages[code]({ sends: n, reason }) });
      }
    }
    return out;
  }
}
