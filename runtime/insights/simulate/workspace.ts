import { createHash } from 'node:crypto';
import { assignVariant, HOLDOUT } from '../../journeys/assign.ts';
import { seededRng } from '../../models/rng.ts';
import { inGlobalControl } from '../control-group.ts';
import type { Touch } from '../data.ts';

/**
 * A small deterministic workspace's month of sends, in memory, for the simulator's tests and the
 * report benchmark: customers split between journeys and campaigns, each with a real experiment
 * split (runtime/journeys/assign.ts's hash, the one journeys use), one message due per customer at
 * a time spread over the month, a few sends stopped by a gate (they still count as treated), and
 * the workspace's global control group held back from everything.
 */
export interface SimulatedScope {
  kind: 'journey' | 'campaign';
  name: string;
  template: string;
  experiment: string;
  /** Variant weights in percent; the rest is the holdout. */
  variants: Record<string, number>;
}

export interface WorkspaceSettings {
  customers: number;
  scopes: readonly SimulatedScope[];
  /** Percent of customers in the global control group. */
  globalControl?: number;
  /** The month's first instant. */
  from?: number;
  /** Share of treated sends a gate stops (frequency cap, quiet hours). */
  gateStops?: number;
  /** Which population (another one: other customers, other assignments). */
  population?: number;
}

const DAY = 86_400_000;
export const SIMULATED_MONTH_START = Date.UTC(2011, 10, 10);

/** Customer ids of a population: another population is other people, and lands in other variants. */
export function customerIdOf(i: number, population = 0): string {
  return `p${population}-c${String(i).padStart(6, '0')}`;
}

export function simulatedMonth(settings: WorkspaceSettings): Touch[] {
  const rng = seededRng(1 + (settings.population ?? 0));
  const from = settings.from ?? SIMULATED_MONTH_START;
  const touches: Touch[] = [];
  for (let i = 0; i < settings.customers; i++) {
    const customerId = customerIdOf(i, settings.population);
    const scope = settings.scopes[i % settings.scopes.length]!;
    const variants = Object.entries(scope.variants)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([name, weight]) => ({ name, weight }));
    const variant = assignVariant(scope.experiment, customerId, variants);
    const control = inGlobalControl(customerId, settings.globalControl);
    const holdout = variant === undefined;
    const stopped = !holdout && !control && rng.next() < (settings.gateStops ?? 0.03);
    const at = from + Math.floor(rng.next() * 30 * DAY);
    touches.push({
      key: createHash('sha256').update(`${scope.kind}\u0000${scope.name}\u0000${customerId}`).digest('hex').slice(0, 32),
      customerId,
      originKind: scope.kind,
      originName: scope.name,
      template: `${scope.template}${holdout ? '' : `_${variant}`}`,
      experiment: scope.experiment,
      variant: variant ?? HOLDOUT,
      holdout,
      globalControl: control,
      sent: !holdout && !control && !stopped,
      at,
    });
  }
  return touches;
}

/** The flagship's two experiments in miniature: a two-offer test with a holdout, and an A/B/n subject test. */
export const DEMO_SCOPES: readonly SimulatedScope[] = [
  {
    kind: 'journey',
    name: 'cart_recovery',
    template: 'cart_offer',
    experiment: 'cart_offer_test',
    variants: { ten_percent: 45, free_shipping: 45 },
  },
  {
    kind: 'campaign',
    name: 'december_newsletter',
    template: 'december_news',
    experiment: 'subject_test',
    variants: { gift_guide: 30, last_order_dates: 30, plain: 30 },
  },
];
