/**
 * The compiled blocks of Journey, Campaign and Test definitions in the manifest: what the journey
 * runtime (runtime/journeys) executes. Plain JSON, deterministic, no positions: reformatting the
 * YAML changes nothing here, so the block's hash (the manifest's `compiledHash`) is the journey's
 * version: customers stay on the version they entered with.
 *
 * Times: durations and instants are epoch milliseconds; a time of day is minutes after midnight.
 */
import type { Expr } from './core/ast.ts';

/** `exit` as a target: the journey ends there. Step names can never be `exit`. */
export const EXIT = 'exit';

/** A rule the runtime evaluates with the JavaScript evaluator, and what it reads. */
export interface CompiledJourneyRule {
  /** The rule's AST without positions. */
  ast: Expr;
  /** Event types the rule's aggregates read (sorted): the data a run must load, and what wakes a `wait_for` rule. */
  events: string[];
  /**
   * How far back before its evaluation instant the rule reads events (the longest `within`
   * window); null when an aggregate has no window (it reads everything). `within since_entry`
   * windows read back to the entry instead: `sinceEntry`.
   */
  lookbackMs: number | null;
  sinceEntry: boolean;
  /** Whether it reads traits, segments (`in_segment`) or model scores: more data to load. */
  traits: boolean;
  segments: boolean;
  models: boolean;
  /** Whether it reads subscriptions (`subscribed("topic")`): the opt-out and suppression rows too. */
  subscriptions?: boolean;
}

export type CompiledEntry =
  | {
      kind: 'event';
      event: string;
      /** A filter over the event's properties. */
      where?: CompiledJourneyRule;
      /** Identifies one entry per customer; absent: the event's id. */
      dedupeKey?: CompiledJourneyRule;
      when?: CompiledJourneyRule;
      oncePerMs?: number;
      reentry: Reentry;
    }
  | { kind: 'segment'; segment: string; when?: CompiledJourneyRule; oncePerMs?: number; reentry: Reentry }
  | {
      kind: 'schedule';
      /** The first occurrence; later ones follow every `everyMs` (on the wall clock, for a local time). */
      starting: CompiledTime;
      everyMs: number;
      ending?: CompiledTime;
      audience?: string;
      when?: CompiledJourneyRule;
      oncePerMs?: number;
      reentry: Reentry;
    };

/**
 * A time as written: `instant` is absolute (epoch ms, the text had `Z` or an offset); `local` is a
 * wall-clock time (written as if it were UTC, epoch ms) read in the workspace's time zone, or in
 * each customer's own (`perCustomer`, the ` local` suffix).
 */
export type CompiledTime = { kind: 'instant'; at: number } | { kind: 'local'; wallClock: number; perCustomer: boolean };

export type Reentry = 'after_exit' | 'never' | 'always';

export type CompiledStep =
  | {
      kind: 'wait';
      forMs?: number;
      until?: CompiledJourneyRule;
      /** Minutes after local midnight in the customer's time zone. */
      atMinute?: number;
      next: string;
    }
  | {
      kind: 'wait_for';
      event?: string;
      where?: CompiledJourneyRule;
      rule?: CompiledJourneyRule;
      timeoutMs: number;
      onEvent: string;
      onTimeout: string;
    }
  | { kind: 'branch'; cases: Array<{ when: CompiledJourneyRule; next: string }>; else: string }
  | {
      kind: 'split';
      experiment: string;
      /** Sorted by name: assignment walks them in this order, then the holdout. */
      variants: Array<{ name: string; weight: number; next: string }>;
      holdout: number;
      /** The template the holdout is recorded against: the first send the first variant reaches. */
      holdoutTemplate?: string;
      /** What the team plans to detect, when the split says (`herald plan`, `herald test`). */
      planning?: SplitPlanning;
    }
  | { kind: 'send'; template: string; next: string; expiresAfterMs?: number }
  | {
      kind: 'update';
      /** Sorted by field. */
      set: Array<{ field: string; value: CompiledJourneyRule }>;
      next: string;
    }
  | { kind: 'exit' };

/** A split's `minimum_effect`, `expected_audience` and `base_rate`, those written. */
export interface SplitPlanning {
  /** The absolute change of the conversion rate the team wants to detect. */
  minimumEffect?: number;
  /** The customers the split is expected to see. */
  expectedAudience?: number;
  /** The conversion rate without the change. */
  baseRate?: number;
}

export interface CompiledJourney {
  name: string;
  /** The first step (YAML key order does not survive canonical JSON, so it is recorded). */
  start: string;
  entry: CompiledEntry;
  exitWhen?: CompiledJourneyRule;
  steps: Record<string, CompiledStep>;
  rateLimitPerHour?: number;
  quietHours?: 'delay' | 'skip';
  /** The workspace's time zone: schedules, and wait `at` for customers without a zone of their own. */
  timezone: string;
  /** The customer field holding each customer's IANA time zone, when the data model has one. */
  timezoneField?: string;
  /** Whether the entry event has an `item_id` property, so its item can be read for `journey.entry.items`. */
  entryItems: boolean;
}

export interface CompiledCampaign {
  name: string;
  audience: string;
  when?: CompiledJourneyRule;
  /** One variant `default` for a plain template; else the split's variants sorted by name. */
  variants: Array<{ name: string; weight: number; template: string }>;
  /** The experiment's name, for a split. */
  experiment?: string;
  holdout: number;
  /** What the team plans to detect, when the split says (`herald plan`, `herald test`). */
  planning?: SplitPlanning;
  sendAt: CompiledTime;
  timezone: string;
  timezoneField?: string;
  throttlePerHour?: number;
  quietHours?: 'delay' | 'skip';
  expiresAfterMs?: number;
  /** The subscription topic of its email (wins over the template's). */
  topic?: string;
}

/** A Test's compiled block: its given data as stored values and its expectations. */
export interface CompiledTest {
  name: string;
  target: { kind: 'journey' | 'campaign'; name: string };
  start?: number;
  until?: number;
  segmentRefreshMs: number;
  given: {
    /** Field → value as the database stores it (timestamps in epoch ms); `id` included. */
    customers: Array<Record<string, string | number | boolean | null>>;
    events: Array<{ customer: string; type: string; at: number; properties: Record<string, string | number | boolean | null> }>;
    unsubscribed: string[];
  };
  expect: CompiledExpectation[];
}

export interface CompiledExpectation {
  /** Its index in `expect` (the runner reports failures by it; the CLI maps it to file:line). */
  index: number;
  kind: 'sent' | 'not_sent' | 'suppressed';
  at?: number;
  after?: number;
  count?: number;
  match: {
    customer?: string;
    template?: string;
    templateIn?: string[];
    variant?: string;
    step?: string;
    sentAt?: number;
    reason?: string;
  };
}

/** The targets of a compiled step, in the order a customer would try them (shared by compiler and runtime). */
export function targetsOf(step: CompiledStep): string[] {
  switch (step.kind) {
    case 'wait':
    case 'send':
    case 'update':
      return [step.next];
    case 'wait_for':
      return [step.onEvent, step.onTimeout];
    case 'branch':
      return [...step.cases.map((c) => c.next), step.else];
    case 'split':
      return step.variants.map((v) => v.next);
    case 'exit':
      return [];
  }
}
