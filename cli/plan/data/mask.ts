import { createHash } from 'node:crypto';

/**
 * A customer id as a plan shows it: the first two characters and a short hash (`c_…3f9a1c`).
 * Stable, so one customer reads the same everywhere in a plan and across plans, but not
 * reversible from the plan alone; ids can themselves be personal (an email used as the key).
 */
export function maskId(id: string): string {
  const digest = createHash('sha256').update(id, 'utf8').digest('hex').slice(0, 6);
  return `${[...id].slice(0, 2).join('')}…${digest}`;
}
