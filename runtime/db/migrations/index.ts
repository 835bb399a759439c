import type { Migration } from './types.ts';
import { coreTables } from './001_core.ts';
import { caseFunctions } from './002_case_functions.ts';
import { modelTables } from './003_models.ts';
import { journeyTables } from './004_journeys.ts';
import { deliveryTables } from './005_delivery.ts';
import { serveTables } from './006_serve.ts';
import { recipientTables } from './007_recipient.ts';
import { idKeyTable } from './010_id_key.ts';
import { engagementIndex } from './015_engagement_index.ts';

export type { Migration } from './types.ts';

/** Every migration, in version order. Append new ones; never edit or reorder released ones. */
export const MIGRATIONS: readonly Migration[] = [
  coreTables,
  caseFunctions,
  modelTables,
  journeyTables,
  deliveryTables,
  serveTables,
  recipientTables,
  idKeyTable,
  engagementIndex,
];
