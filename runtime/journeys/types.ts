import type { Diagnostic } from '../../compiler/contract/diagnostic.ts';
/**
 * The journey runtime's own types: an entry as stored and as the state machine sees it, and what
 * advancing an entry produces. The compiled journey itself is compiler/contract/journey.ts.
 */

/** The render context's `journey.entry`: the event (or segment entry, or schedule) that started it. */
export interface EntryContext {
  event?: string;
  /** ISO 8601. */
  at: string;
  properties?: Record<string, unknown>;
  items?: Array<Record<string, unknown>>;
}

/** The entry's working state (stored as JSON with the entry). */
export interface EntryData {
  /** How often each step has been reached: a send's idempotency key differs per visit. */
  visits: Record<string, number>;
  /** Experiment → the variant this entry was assigned. */
  variants: Record<string, string>;
  /** The latest assignment: sends after a split carry it. */
  variant?: { experiment: string; variant: string };
  entry: EntryContext;
}

export type EntryStatus = 'active' | 'done';
/** `ready`: the step is to be run at `dueAt`; `waiting`: parked in a wait since `stepAt` until `dueAt`. */
export type EntryPhase = 'ready' | 'waiting';

export type ExitReason = 'completed' | 'exit_when' | 'holdout' | 'step_limit' | 'error' | 'journey_removed';

export interface Entry {
  id: string;
  journey: string;
  version: string;
  customerId: string;
  entryKey: string;
  enteredAt: number;
  status: EntryStatus;
  step: string;
  phase: EntryPhase;
  stepAt: number;
  /** Null once done. */
  dueAt: number | null;
  data: EntryData;
  /** The next history sequence number. */
  seq: number;
  exitedAt?: number;
  exitReason?: ExitReason;
}

export interface HistoryRow {
  entryId: string;
  seq: number;
  at: number;
  step: string | null;
  /** enter, step, send, holdout, update, exit. */
  action: string;
  detail?: string;
}

/** What advancing one entry decided, applied by the caller in one transaction. */
export interface Effects {
  history: HistoryRow[];
  /** `variant`: the split assignment in force when the send was decided. */
  sends: Array<{
    at: number;
    step: string;
    visitKey: string;
    template: string;
    expiresAt?: number;
    variant?: { experiment: string; variant: string };
  }>;
  holdouts: Array<{ at: number; step: string; visitKey: string; experiment: string; template: string }>;
  updates: Array<{ at: number; step: string; field: string; value: unknown }>;
  /** When parked in a `wait_for`: the event types that wake the entry. */
  wakes?: string[];
  problems: JourneyProblem[];
}

/** A problem found while running (never carries personal data): a diagnostic, and what it concerns. */
export interface JourneyProblem extends Diagnostic {
  journey?: string;
  campaign?: string;
}
