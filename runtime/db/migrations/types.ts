import type { Transaction } from 'kysely';
import type { Dialect } from '../database.ts';

/**
 * One versioned step of the fixed schema. Migrations are append-only: a released migration is
 * never edited, a change is a new file `NNN_name.ts` registered in `index.ts`.
 */
export interface Migration {
  /** Strictly increasing; recorded in `herald_migrations`. */
  version: number;
  name: string;
  up(trx: Transaction<any>, dialect: Dialect): Promise<void>;
}
