/**
 * The journey state machine: advances one entry from where it is as far as the run's horizon
 * allows, and says what that decided (history, sends, holdouts, field updates) without touching
 * the database, so the caller can apply it all in the transaction that saves the new position.
 *
 * Every step runs at its own instant (the time the customer reached it), never at the wall
 * clock: rules see the customer's events up to that instant, sends are due at it.
 */
import { EXIT, type CompiledJourney, type CompiledStep } from '../../compiler/contract/journey.ts';
import { assignVariant, HOLDOUT } from './assign.ts';
import type { CustomerData } from './customers.ts';
import type { JourneyRules } from './rules.ts';
import type { Effects, Entry, ExitReason } from './types.ts';
import { own } from '../../compiler/contract/core/own.ts';
import { resolveWaitFor, waitEnd } from './waits.ts';
import { journeyRunMessages } from '../../compiler/contract/messages/journeys-run.ts';

/** More steps than this in one advance means a loop in which no time passes (HL510). */
export const STEP_LIMIT = 1000;

export function emptyEffects(): Effects {
  return { history: [], sends: [], holdouts: [], updates: [], problems: [] };
}

/** Advances `entry` (mutated in place) up to `horizon`; returns what happened. */
export function advance(entry: Entry, journey: CompiledJourney, rules: JourneyRules, customer: CustomerData, horizon: number): Effects {
  const fx = emptyEffects();
  const log = (at: number, step: string | null, action: string, detail?: string) => {
    fx.history.push({ entryId: entry.id, seq: entry.seq++, at, step, action, ...(detail !== undefined ? { detail } : {}) });
  };
  const exit = (at: number, reason: ExitReason, detail?: string) => {
    entry.status = 'done';
    entry.dueAt = null;
    entry.exitedAt = at;
    entry.exitReason = reason;
    log(at, entry.step, 'exit', detail ?? reason);
  };
  /** Moves on to `target` at `at`: the next step is ready at once, or the journey ends. */
  const go = (target: string, at: number) => {
    if (target === EXIT) return exit(at, 'completed');
    entry.step = target;
    entry.phase = 'ready';
    entry.stepAt = at;
    entry.dueAt = at;
  };
  // Parking is not logged: the entry row holds where it waits and until when, and the history
  // records how the wait ended (event, timeout, or the next step's decision).
  const park = (since: number, dueAt: number) => {
    entry.phase = 'waiting';
    entry.stepAt = since;
    entry.dueAt = dueAt;
  };

  let turns = 0;
  while (entry.status === 'active' && entry.dueAt !== null && entry.dueAt <= horizon) {
    const t = entry.dueAt;
    if (++turns > STEP_LIMIT) {
      fx.problems.push({
        code: 'HL510',
        severity: 'error',
        journey: journey.name,
        message: journeyRunMessages.HL510({ journey: journey.name, steps: STEP_LIMIT, at: t, step: entry.step }),
      });
      exit(t, 'step_limit');
      break;
    }
    const name = entry.step;
    const step = own(journey.steps, name);
    if (!step) {
      fx.problems.push({
        code: 'HL511',
        severity: 'error',
        journey: journey.name,
        message: journeyRunMessages.HL511({ journey: journey.name, version: entry.version, missingStep: name }),
      });
      exit(t, 'error', `no step ${name}`);
      break;
    }
    try {
      if (entry.phase === 'ready') {
        // Every step logs what it decided (event, timeout, branch, split, send, update, exit).
        if (journey.exitWhen && rules.holds(journey.exitWhen, customer, t, entry.enteredAt)) {
          exit(t, 'exit_when');
          break;
        }
        arrive(name, step, t);
      } else {
        resume(name, step, t);
      }
    } catch (e) {
      fx.problems.push({
        code: 'HL511',
        severity: 'error',
        journey: journey.name,
        message: journeyRunMessages.HL511({ journey: journey.name, step: name, failed: (e as Error).message }),
      });
      exit(t, 'error', (e as Error).message);
    }
  }
  return fx;

  function arrive(name: string, step: CompiledStep, t: number): void {
    switch (step.kind) {
      case 'wait': {
        const end = waitEnd(step, journey, rules, customer, t, entry.enteredAt);
        if (end <= t) return go(step.next, t);
        return park(t, end);
      }
      case 'wait_for':
        return waitFor(name, step, t);
      case 'branch': {
        const hit = step.cases.find((c) => rules.holds(c.when, customer, t, entry.enteredAt));
        log(t, name, 'branch', hit ? hit.next : `else ${step.else}`);
        return go(hit ? hit.next : step.else, t);
      }
      case 'split': {
        // Entry data comes back from JSON: experiment and step names are read as own keys only.
        const variant =
          own(entry.data.variants, step.experiment) ?? assignVariant(step.experiment, entry.customerId, step.variants) ?? HOLDOUT;
        entry.data.variants[step.experiment] = variant;
        if (variant === HOLDOUT) {
          const visitKey = visit(name);
          fx.holdouts.push({ at: t, step: name, visitKey, experiment: step.experiment, template: step.holdoutTemplate ?? '' });
          log(t, name, 'holdout', step.experiment);
          return exit(t, 'holdout');
        }
        entry.data.variant = { experiment: step.experiment, variant };
        log(t, name, 'split', variant);
        return go(step.variants.find((v) => v.name === variant)!.next, t);
      }
      case 'send': {
        const visitKey = visit(name);
        const send: Effects['sends'][number] = { at: t, step: name, visitKey, template: step.template };
        if (step.expiresAfterMs !== undefined) send.expiresAt = t + step.expiresAfterMs;
        if (entry.data.variant) send.variant = { ...entry.data.variant };
        fx.sends.push(send);
        log(t, name, 'send', step.template);
        return go(step.next, t);
      }
      case 'update': {
        for (const { field, value } of step.set) {
          const v = rules.value(value, customer, t, entry.enteredAt);
          if (v === null || (typeof v === 'number' && !Number.isFinite(v))) {
            fx.problems.push({
              code: 'HL514',
              severity: 'error',
              journey: journey.name,
              message: journeyRunMessages.HL514({ journey: journey.name, step: name, field }),
            });
            continue;
          }
          customer.fields[field] = v;
          fx.updates.push({ at: t, step: name, field, value: v });
          log(t, name, 'update', field);
        }
        return go(step.next, t);
      }
      case 'exit':
        return exit(t, 'completed');
    }
  }

  function resume(name: string, step: CompiledStep, t: number): void {
    if (step.kind === 'wait') return go(step.next, t);
    if (step.kind === 'wait_for') return waitFor(name, step, entry.stepAt);
    // Only waits park; anything else resumed is run as if reached now.
    arrive(name, step, t);
  }

  function waitFor(name: string, step: Extract<CompiledStep, { kind: 'wait_for' }>, since: number): void {
    const outcome = resolveWaitFor(step, rules, customer, since, horizon, entry.enteredAt);
    if (outcome.kind === 'event') {
      log(outcome.at, name, 'event');
      return go(step.onEvent, outcome.at);
    }
    if (outcome.kind === 'timeout') {
      log(outcome.at, name, 'timeout');
      return go(step.onTimeout, outcome.at);
    }
    park(since, outcome.dueAt);
    fx.wakes = outcome.wakes;
  }

  /** Counts a visit of a step; the key of the n-th visit's send is `step#n` (the first is `step`). */
  function visit(name: string): string {
    const n = (own(entry.data.visits, name) ?? 0) + 1;
    entry.data.visits[name] = n;
    return n === 1 ? name : `${name}#${n}`;
  }
}
