import type { Transaction } from 'kysely';
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
 * failure leaves every table as it was.
 */
export async function materializeTraits(
  trx: Transaction<any>,
  dialect: Dialect,
  traits: readonly RuntimeTrait[],
  asOf: number,
): Promise<TraitRunResult[]> {
  const results: TraitRunResult[] = [];
  for (const trait of traits) {
    const table = quoteIdent(traitTableName(trait.name));
    const columns = ['customer_id', ...trait.compiled.outputs.map((o) => o.name)].map(quoteIdent).join(', ');
    await trx.deleteFrom(traitTableName(trait.name)).execute();
    const { affected } = await runCompiled(trx, dialect, trait.compiled.sql[dialect], { as_of: asOf }, {
      prefix: `insert into ${table} (${columns}) select ${columns} from (`,
      suffix: `) as herald_trait`,
    });
    results.push({ trait: trait.name, rows: affected });
  }
  return results;
}
