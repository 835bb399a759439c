/**
 * A Test's expectations checked against what its run put in the outbox. A failure says what was
 * expected and what happened instead, like a diff: `-` the expectation, `+` the messages of the
 * same customer (or of everyone, when the expectation names none).
 */
import type { CompiledExpectation } from '../../../compiler/contract/journey.ts';
import type { DeliveryRecord } from '../../delivery/types.ts';

export interface ExpectationFailure {
  index: number;
  message: string;
}

/** When a record happened for an expectation: a sent message when it went out, a suppression when it was due. */
function timeOf(r: DeliveryRecord): number {
  return r.status === 'sent' ? (r.sentAt ?? r.dueAt) : r.dueAt;
}

export function checkExpectation(e: CompiledExpectation, records: readonly DeliveryRecord[]): ExpectationFailure | undefined {
  const status = e.kind === 'suppressed' ? 'suppressed' : 'sent';
  const inWindow = (r: DeliveryRecord) => (e.at === undefined || timeOf(r) <= e.at) && (e.after === undefined || timeOf(r) > e.after);
  const matching = records.filter((r) => r.status === status && inWindow(r) && matches(e, r));
  const n = matching.length;
  const ok = e.count !== undefined ? n === e.count : e.kind === 'not_sent' ? n === 0 : n > 0;
  if (ok) return undefined;
  const related = records.filter((r) => e.match.customer === undefined || r.customerId === e.match.customer);
  const lines = [`- ${describeExpectation(e)}`, `+ ${n} matching${e.kind === 'not_sent' || e.count !== undefined ? ':' : ''}`];
  if (n > 0 && (e.kind === 'not_sent' || e.count !== undefined)) for (const r of matching) lines.push(`+   ${describeRecord(r)}`);
  lines.push(
    related.length === 0
      ? `+ nothing was sent or suppressed${e.match.customer !== undefined ? ` for ${e.match.customer}` : ''}`
      : `+ everything ${e.match.customer !== undefined ? `for ${e.match.customer}` : 'in the run'}:`,
  );
  for (const r of related) lines.push(`+   ${describeRecord(r)}`);
  return { index: e.index, message: lines.join('\n') };
}

function matches(e: CompiledExpectation, r: DeliveryRecord): boolean {
  const m = e.match;
  if (m.customer !== undefined && r.customerId !== m.customer) return false;
  if (m.template !== undefined && r.template !== m.template) return false;
  if (m.templateIn !== undefined && !m.templateIn.includes(r.template)) return false;
  if (m.variant !== undefined && r.origin.variant !== m.variant) return false;
  if (m.step !== undefined && r.origin.step !== m.step) return false;
  if (m.sentAt !== undefined && timeOf(r) !== m.sentAt) return false;
  if (m.reason !== undefined && r.reason !== m.reason) return false;
  return true;
}

export function describeExpectation(e: CompiledExpectation): string {
  const m = e.match;
  const parts: string[] = [];
  if (m.customer !== undefined) parts.push(`to ${m.customer}`);
  if (m.template !== undefined) parts.push(`template ${m.template}`);
  if (m.templateIn !== undefined) parts.push(`template one of ${m.templateIn.join(', ')}`);
  if (m.variant !== undefined) parts.push(`variant ${m.variant}`);
  if (m.step !== undefined) parts.push(`step ${m.step}`);
  if (m.sentAt !== undefined) parts.push(`at ${iso(m.sentAt)}`);
  if (m.reason !== undefined) parts.push(`reason ${m.reason}`);
  const what = e.kind === 'sent' ? 'a message sent' : e.kind === 'not_sent' ? 'no message sent' : 'a send suppressed';
  const count = e.count !== undefined ? ` (exactly ${e.count})` : '';
  const window = [e.after !== undefined ? `after ${iso(e.after)}` : '', e.at !== undefined ? `by ${iso(e.at)}` : '']
    .filter(Boolean)
    .join(' and ');
  return `${what}${parts.length ? ` ${parts.join(', ')}` : ''}${window ? ` ${window}` : ''}${count}`;
}

export function describeRecord(r: DeliveryRecord): string {
  const origin = `${r.origin.kind} ${r.origin.name}${r.origin.step ? `, step ${r.origin.step}` : ''}${r.origin.variant ? `, variant ${r.origin.variant}` : ''}`;
  const outcome = r.status === 'suppressed' ? `suppressed (${r.reason ?? 'no reason'})` : r.status;
  return `${iso(timeOf(r))}  ${r.customerId}  ${r.template || '(no template)'}  ${outcome}  [${origin}]`;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
