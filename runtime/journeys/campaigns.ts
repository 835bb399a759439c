/**
 * Launching campaigns. A campaign launches once, when the run's clock reaches the first moment
 * any recipient's send time can come (for ` local` times: UTC+14). Its audience is taken then (the
 * segment materialized as of that instant), every member is assigned a variant (or the holdout),
 * and each send is queued for the member's own send time, all in one transaction with the launch
 * record. A campaign whose time had passed before the run's clock reached it is recorded as missed
 * and never sent (a new database does not send last year's newsletter).
 */
import { sendKey } from '../delivery/keys.ts';
import { enqueue, recordSuppressed } from '../delivery/outbox.ts';
import type { SendRequest } from '../delivery/types.ts';
import { writeTransaction } from '../delivery/write-transaction.ts';
import { assignVariant, HOLDOUT } from './assign.ts';
import type { RunContext } from './context.ts';
import { loadCustomers, NO_NEEDS } from './customers.ts';
import { membersAt } from './entries/sources.ts';
import { earliestRead, ruleNeeds } from './needs.ts';
import type { SegmentClock } from './segments.ts';
import { earliestInstantOf, instantOf } from './times.ts';
import type { RuntimeCampaign } from './versions.ts';
import { customerZone } from './waits.ts';
import { journeyRunMessages } from '../../compiler/contract/messages/journeys-run.ts';

/** When a campaign launches. */
export function launchInstant(c: RuntimeCampaign): number {
  return earliestInstantOf(c.compiled.sendAt, c.compiled.timezone);
}

/** Launches (or records as missed) the campaigns whose launch falls in (…, to]. */
export async function launchCampaigns(ctx: RunContext, segments: SegmentClock, from: number, to: number): Promise<void> {
  const pending = await notLaunched(ctx);
  for (const c of pending) {
    const at = launchInstant(c);
    if (at > to) continue;
    if (at <= from) {
      await record(ctx, c, 'missed', at, 0);
      continue;
    }
    await segments.ensure(ctx.db, [c.compiled.audience], at);
    await launch(ctx, c, at);
  }
}

async function notLaunched(ctx: RunContext): Promise<RuntimeCampaign[]> {
  if (ctx.campaigns.length === 0) return [];
  const rows = await ctx.db.kysely
    .selectFrom('campaign_launches')
    .select('campaign')
    .where(
      'campaign',
      'in',
      ctx.campaigns.map((c) => c.name),
    )
    .execute();
  const done = new Set(rows.map((r) => String(r.campaign)));
  return ctx.campaigns.filter((c) => !done.has(c.name));
}

async function record(ctx: RunContext, c: RuntimeCampaign, status: 'missed', at: number, recipients: number): Promise<void> {
  const inserted = await ctx.db.kysely
    .insertInto('campaign_launches')
    .values({ campaign: c.name, version: c.version, status, launched_at: at, recipients })
    .onConflict((oc) => oc.column('campaign').doNothing())
    .returning('campaign')
    .execute();
  if (inserted.length === 0) return;
  ctx.tally.campaigns.push({ name: c.name, status, at, recipients });
  ctx.tally.problem({
    code: 'HL515',
    severity: 'warning',
    campaign: c.name,
    message: journeyRunMessages.HL515({ campaign: c.name, dueAt: at }),
  });
}

async function launch(ctx: RunContext, c: RuntimeCampaign, at: number): Promise<void> {
  const compiled = c.compiled;
  const launched = await writeTransaction(ctx.db, async (trx) => {
    // The launch row first: a second worker launching the same campaign waits here, then finds it.
    const claimed = await trx
      .insertInto('campaign_launches')
      .values({ campaign: c.name, version: c.version, status: 'launched', launched_at: at, recipients: 0 })
      .onConflict((oc) => oc.column('campaign').doNothing())
      .returning('campaign')
      .execute();
    if (claimed.length === 0) return undefined;
    const members = await membersAt(trx, compiled.audience, at);
    const needs = compiled.when ? ruleNeeds(compiled.when) : NO_NEEDS;
    const customers = await loadCustomers(trx, ctx.manifest, members, needs, at, earliestRead(needs, at));
    const sends: SendRequest[] = [];
    const holdouts: SendRequest[] = [];
    for (const id of members) {
      const customer = customers.get(id);
      if (!customer) continue;
      if (compiled.when && !ctx.rules.holds(compiled.when, customer, at)) continue;
      const variant =
        compiled.experiment === undefined
          ? compiled.variants[0]!.name
          : (assignVariant(compiled.experiment, id, compiled.variants) ?? HOLDOUT);
      const zone = compiled.sendAt.kind === 'local' && compiled.sendAt.perCustomer ? customerZone(compiled, customer) : compiled.timezone;
      const dueAt = Math.max(at, instantOf(compiled.sendAt, zone));
      const template = compiled.variants.find((v) => v.name === variant)?.template ?? compiled.variants[0]!.template;
      const request: SendRequest = {
        idempotencyKey: sendKey({ kind: 'campaign', name: c.name, version: c.version, customerId: id }, ctx.idKey),
        origin: { kind: 'campaign', name: c.name, version: c.version },
        customerId: id,
        template,
        dueAt,
      };
      if (compiled.experiment !== undefined) Object.assign(request.origin, { experiment: compiled.experiment, variant });
      if (variant === HOLDOUT) {
        holdouts.push(request);
        continue;
      }
      if (compiled.throttlePerHour !== undefined) request.perHourLimit = compiled.throttlePerHour;
      if (compiled.quietHours !== undefined) request.quietHours = compiled.quietHours;
      if (compiled.expiresAfterMs !== undefined) request.expiresAt = dueAt + compiled.expiresAfterMs;
      sends.push(request);
    }
    await enqueue(trx, sends);
    for (const h of holdouts) await recordSuppressed(trx, h, 'holdout');
    await trx
      .updateTable('campaign_launches')
      .set({ recipients: sends.length + holdouts.length })
      .where('campaign', '=', c.name)
      .execute();
    return { sends, holdouts: holdouts.length };
  });
  if (!launched) return;
  for (const s of launched.sends) ctx.tally.queue(`campaign:${c.name}`, s.template);
  if (launched.holdouts > 0) ctx.tally.holdout(`campaign:${c.name}`, launched.holdouts);
  ctx.tally.campaigns.push({ name: c.name, status: 'launched', at, recipients: launched.sends.length + launched.holdouts });
}
