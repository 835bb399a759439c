import { bucketOf } from '../journeys/assign.ts';

/**
 * The workspace-wide control group (`delivery.global_control: 5` keeps 5% of customers from every
 * marketing email), so the whole programme's effect can be measured against customers it never
 * reached. Membership is a hash of the customer id, like experiment assignment: stable on every
 * machine and run, and independent of every experiment's split.
 */
const GLOBAL_CONTROL = 'herald-global-control';

export function inGlobalControl(customerId: string, percent: number | undefined): boolean {
  return percent !== undefined && percent > 0 && bucketOf(GLOBAL_CONTROL, customerId) < percent;
}

/** The outbox reason of a send held back for the global control group. */
export const GLOBAL_CONTROL_REASON = 'global_control';
