import type { History } from './data.ts';

/** Item popularity: how many customers interacted with each item (a heavy buyer counts once). */
export function fitPopularity(histories: Iterable<History>, items: number): number[] {
  const pop = new Array<number>(items).fill(0);
  for (const h of histories) for (const item of h.keys()) pop[item]!++;
  return pop;
}
