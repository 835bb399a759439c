import { CompiledQuery, type Transaction } from 'kysely';
import type { Dialect } from '../db/database.ts';
import { quoteIdent, runCompiled } from '../db/compiled.ts';
import { traitTableName } from '../db/sync.ts';
import type { RuntimeTrait } from '../manifest.ts';

export interface TraitRunResult {
  trait: string;
  /** Customers with a row in trait_<name> after the rebuild. */
  rows: number;
}

/**
 * Rebuilds every trait table as of `asOf`, in the order given (the manifest's dependency order,
 * so `lifecycle` is rebuilt after the `rfm` it reads). Runs inside the caller's transaction: a
 * failure leaves every table as it was. With `onlyCustomersIn` (a table with a `customer_id`
 * column), only those customers' rows are rebuilt, with the same queries (a trait that ranks
 * customers against everyone still ranks them against everyone); the others keep theirs.
 */
export async function materializeTraits(
  trx: Transaction<any>,
  dialect: Dialect,
  traits: readonly RuntimeTrait[],
  asOf: number,
  onlyCustomersIn?: string,
): Promise<TraitRunResult[]> {
  const results: TraitRunResult[] = [];
  const only = onlyCustomersIn === undefined ? '' : ` where customer_id in (select customer_id from ${quoteIdent(onlyCustomersIn)})`;
  for (const trait of traits) {
    const table = quoteIdent(traitTableName(trait.name));
    const columns = ['customer_id', ...trait.compiled.outputs.map((o) => o.name)].map(quoteIdent).join(', ');
    await trx.executeQuery(CompiledQuery.raw(`delete from ${table}${only}`, []));
    const { affected } = await runCompiled(
      trx,
      dialect,
      trait.compiled.sql[dialect],
      { as_of: asOf },
      {
        prefix: `insert into ${table} (${columns}) select ${columns} from (`,
        suffix: `) as herald_trait${only}`,
      },
    );
    results.push({ trait: trait.name, rows: affected });
  }
  return results;
}
