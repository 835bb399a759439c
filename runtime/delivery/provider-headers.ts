import type { TransportSettings } from './settings.ts';

/**
 * Headers a mail service behind the SMTP server reads. Postmark keeps `X-PM-Metadata-<key>`
 * headers as the message's metadata (and strips them before delivery) and echoes the metadata in
 * every webhook record, while naming messages by a MessageID of its own; Herald's Message-ID goes
 * in `message_id` so its webhooks (runtime/webhooks/postmark.ts) map back to the message.
 */
export const POSTMARK_METADATA_KEY = 'message_id';
export const POSTMARK_METADATA_HEADER = `X-PM-Metadata-${POSTMARK_METADATA_KEY}`;

/** Extra headers of one message (Message-ID without angle brackets); composed by the one header encoder. */
export function providerHeaders(transport: TransportSettings, messageId: string): Record<string, string> | undefined {
  if (transport.type === 'smtp' && transport.provider === 'postmark') return { [POSTMARK_METADATA_HEADER]: messageId };
  return undefined;
}
