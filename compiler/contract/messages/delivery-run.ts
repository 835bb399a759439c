import type { MessageTable } from './types.ts';

const sends = (n: number) => (n === 1 ? '1 send' : `${n} sends`);
const firstThree = (items: readonly string[]) => `${items.slice(0, 3).join(', ')}${items.length > 3 ? ', …' : ''}`;

/**
 * Messages of the delivery run codes HL530–HL539 (explained in compiler/diagnostics/catalogue/delivery.ts).
 * They name sends by idempotency key, templates by name, and counts: never personal data.
 */
export const deliveryRunMessages = {
  HL530: (p: { smtpCredentialsUnset: readonly string[] } | { dkimKeyEnv: string; why: string }) =>
    'smtpCredentialsUnset' in p
      ? `the smtp transport reads its credentials from ${p.smtpCredentialsUnset.join(' and ')}, which ${p.smtpCredentialsUnset.length === 1 ? 'is' : 'are'} not set`
      : `delivery.dkim reads its private key from ${p.dkimKeyEnv}, which ${p.why}`,
  HL531: (p: { sends: number; reason: string }) => `${sends(p.sends)} rejected permanently: ${p.reason}`,
  HL532: (p: { sends: number; reason: string }) => `${sends(p.sends)} failed after retries: ${p.reason}`,
  HL533: (p: { sends: number; reason: string }) => `${sends(p.sends)} failed: ${p.reason}`,
  HL534: (p: { recovered: number; workers: readonly string[] }) =>
    `resumed ${p.recovered} send${p.recovered === 1 ? '' : 's'} claimed by ${p.workers.length === 1 ? 'worker' : 'workers'} ${firstThree(p.workers)}, which stopped`,
  HL535: (p: { keys: readonly string[] }) =>
    `${sends(p.keys.length)} outlived their claim and were taken over by another worker (${firstThree(p.keys)}); they may have gone out twice`,
  HL536: (p: { sends: number; reason: string }) => `${sends(p.sends)} suppressed, render failed: ${p.reason}`,
  /** `line`: what the engagement line's parser says is wrong with it. */
  HL537: (p: { line: string }) => p.line,
  HL538: (p: { messageId: string; event: string }) => `no message <${p.messageId}> in this outbox; the ${p.event} record is skipped`,
  /** `reason`: why the comparison has no test (too few sends). */
  HL539: (p: { reason: string }) => p.reason,
} satisfies MessageTable;
