import type { OutgoingMessage, Transport } from '../../delivery/types.ts';

/**
 * A transport that keeps every message in memory, for `herald test` and forecasts: the run goes
 * through the real outbox, gates and rendering, and only the hand-over is captured.
 */
export class CapturingTransport implements Transport {
  readonly name = 'capture';
  /** Capturing the same key again replaces it: as idempotent as the file transport. */
  readonly idempotent = true;
  readonly messages = new Map<string, OutgoingMessage>();

  async send(message: OutgoingMessage): Promise<{ accepted: true; response: string }> {
    this.messages.set(message.idempotencyKey, message);
    return { accepted: true, response: 'captured' };
  }
}
