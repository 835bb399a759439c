/** The outbox requests a journey's decisions become: sends and recorded holdouts. */
import type { CompiledJourney } from '../../compiler/contract/journey.ts';
import { sendKey } from '../delivery/keys.ts';
import type { SendRequest } from '../delivery/types.ts';
import { HOLDOUT } from './assign.ts';
import type { Effects, Entry } from './types.ts';

export function sendRequestOf(entry: Entry, journey: CompiledJourney, send: Effects['sends'][number], idKey: Uint8Array): SendRequest {
  const request: SendRequest = {
    idempotencyKey: stepKey(entry, send.visitKey, idKey),
    origin: { kind: 'journey', name: entry.journey, version: entry.version, step: send.step },
    customerId: entry.customerId,
    entryId: entry.id,
    template: send.template,
    dueAt: send.at,
    journey: { name: entry.journey, step: send.step, entry: entry.data.entry },
  };
  if (send.variant) {
    request.origin.experiment = send.variant.experiment;
    request.origin.variant = send.variant.variant;
  }
  if (journey.rateLimitPerHour !== undefined) request.perHourLimit = journey.rateLimitPerHour;
  if (journey.quietHours !== undefined) request.quietHours = journey.quietHours;
  if (send.expiresAt !== undefined) request.expiresAt = send.expiresAt;
  return request;
}

export function holdoutRequestOf(entry: Entry, holdout: Effects['holdouts'][number], idKey: Uint8Array): SendRequest {
  return {
    idempotencyKey: stepKey(entry, holdout.visitKey, idKey),
    origin: {
      kind: 'journey',
      name: entry.journey,
      version: entry.version,
      step: holdout.step,
      experiment: holdout.experiment,
      variant: HOLDOUT,
    },
    customerId: entry.customerId,
    entryId: entry.id,
    template: holdout.template,
    dueAt: holdout.at,
  };
}

/** The send key of one visit of a journey step by one entry (a send or a recorded holdout). */
function stepKey(entry: Entry, visitKey: string, idKey: Uint8Array): string {
  return sendKey(
    { kind: 'journey', name: entry.journey, version: entry.version, customerId: entry.customerId, entryId: entry.id, step: visitKey },
    idKey,
  );
}
