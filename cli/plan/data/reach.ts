import { sql, type Transaction } from 'kysely';
import type { Manifest } from '../../../compiler/contract/manifest.ts';
import type { Dialect } from '../../../runtime/db/database.ts';
import { deliverySettingsOf } from '../../../runtime/delivery/settings.ts';
import { suppressionsAt } from '../../../runtime/delivery/suppressions.ts';
import type { Reach } from '../document.ts';
import { MEMBERS } from './audiences.ts';

const SUPPRESSED = 'herald_plan_suppressed';
const BATCH = 500;

/** How delivery decides who can be emailed, as column names of `customers`. */
export interface ReachRules {
  emailColumn?: string;
  /** The consent field when the data model has it; without it nobody has consented (as delivery decides). */
  consentColumn?: string;
}

/**
 * Prepares the consent/suppression counts: the delivery settings' email and consent fields, and
 * the customers suppressed as of `asOf` (the suppression list and suppressing engagement events)
 * in a scratch table of the session.
 */
export async function prepareReach(trx: Transaction<any>, manifest: Manifest, asOf: number): Promise<ReachRules> {
  const settings = deliverySettingsOf(manifest);
  const fields = manifest.dataModel.customers.fields;
  const rules: ReachRules = {};
  if (settings.emailField && fields[settings.emailField]) rules.emailColumn = settings.emailField;
  if (fields[settings.consentField]?.type === 'boolean') rules.consentColumn = settings.consentField;
  await sql`create temp table ${sql.table(SUPPRESSED)} (customer_id text primary key)`.execute(trx);
  const ids = [...(await suppressionsAt(trx, manifest, asOf)).keys()];
  for (let i = 0; i < ids.length; i += BATCH) {
    await trx.insertInto(SUPPRESSED).values(ids.slice(i, i + BATCH).map((customer_id) => ({ customer_id }))).execute();
  }
  return rules;
}

/** Members of one run of the members table, split by whether delivery would let an email reach them. */
export async function reachOf(trx: Transaction<any>, dialect: Dialect, rules: ReachRules, run: number): Promise<Reach> {
  const email = rules.emailColumn
    ? sql`(c.${sql.id(rules.emailColumn)} is not null and trim(c.${sql.id(rules.emailColumn)}) <> '')`
    : sql`(1 = 0)`;
  const consent = rules.consentColumn
    ? dialect === 'postgres'
      ? sql`coalesce(c.${sql.id(rules.consentColumn)}, false)`
      : sql`(coalesce(c.${sql.id(rules.consentColumn)}, 0) = 1)`
    : sql`(1 = 0)`;
  const suppressed = sql`exists (select 1 from ${sql.table(SUPPRESSED)} s where s.customer_id = m.customer_id)`;
  const { rows } = await sql<Record<string, number | string | null>>`
    select count(*) as members,
      sum(case when ${email} then 0 else 1 end) as no_email,
      sum(case when ${consent} then 0 else 1 end) as no_consent,
      sum(case when ${suppressed} then 1 else 0 end) as suppressed,
      sum(case when ${email} and ${consent} and not ${suppressed} then 1 else 0 end) as reachable
    from ${sql.table(MEMBERS)} m join customers c on c.id = m.customer_id
    where m.run = ${run}`.execute(trx);
  const r = rows[0] ?? {};
  const n = (k: string) => Number(r[k] ?? 0);
  return { members: n('members'), reachable: n('reachable'), no_email: n('no_email'), no_consent: n('no_consent'), suppressed: n('suppressed') };
}
