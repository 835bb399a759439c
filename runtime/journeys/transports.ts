import type { OutgoingMessage, Transport } from '../delivery/types.ts';

/**
 * Transports for runs that send nothing anywhere: the run still goes through the real outbox,
 * gates and rendering, only the hand-over differs. Both are idempotent (a key handed over twice
 * replaces itself), like the file transport.
 */

/** Keeps every message in memory: `herald test` and tests read them back. */
export class CapturingTransport implements Transport {
  readonly name = 'capture';
  readonly idempotent = true;
  readonly messages = new Map<string, OutgoingMessage>();

  async send(message: OutgoingMessage): Promise<{ accepted: true; response: string }> {
    this.messages.set(message.idempotencyKey, message);
    return { accepted: true, response: 'captured' };
  }
}

/** Keeps nothing but a count: forecasts over many messages (`simulate`). */
export class DiscardingTransport implements Transport {
  readonly name = 'discard';
  readonly idempotent = true;
  private readonly keys = new Set<string>();

  get count(): number {
    return this.keys.size;
  }

  async send(message: OutgoingMessage): Promise<{ accepted: true; response: string }> {
    this.keys.add(message.idempotencyKey);
    return { accepted: true, response: 'discarded' };
  }
}
