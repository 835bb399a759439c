import { nameTable } from '../../compiler/contract/core/own.ts';
import { hasOuterSpace, isMissing } from './missing.ts';

/** The render context (contract, DESIGN.md "Render"). */
export interface RenderContext {
  customer: Record<string, unknown>;
  traits: Record<string, unknown>;
  segments: string[];
  scores: Record<string, number>;
  tiers: Record<string, string>;
  recommendations: Array<Record<string, unknown>>;
  journey?: {
    name: string;
    step: string;
    entry?: { event?: string; at?: string; properties?: Record<string, unknown>; items?: Array<Record<string, unknown>> };
  };
  unsubscribe_url: string;
  preferences_url: string;
  message_id: string;
}

export type RenderInput = Partial<RenderContext> & Pick<RenderContext, 'customer' | 'unsubscribe_url' | 'preferences_url' | 'message_id'>;

/**
 * Builds the context a template sees. Blank values are dropped so they count as missing (a
 * `default` applies, or the recipient fails with a reason) rather than printing "Hi ,", and text
 * loses surrounding white space ("Ada " greets as "Ada", in the subject as in the body).
 */
export function buildRenderContext(input: RenderInput): RenderContext {
  const ctx: RenderContext = {
    customer: withoutBlanks(input.customer),
    traits: input.traits ?? {},
    segments: input.segments ?? [],
    scores: input.scores ?? {},
    tiers: input.tiers ?? {},
    recommendations: (input.recommendations ?? []).map(withoutBlanks),
    unsubscribe_url: input.unsubscribe_url,
    preferences_url: input.preferences_url,
    message_id: input.message_id,
  };
  if (input.journey) {
    const entry = input.journey.entry;
    ctx.journey = entry ? { ...input.journey, entry: { ...entry, items: (entry.items ?? []).map(withoutBlanks) } } : input.journey;
  } else {
    ctx.journey = { name: '', step: '', entry: { items: [] } };
  }
  return ctx;
}

/** The record itself when it is clean (the usual case: no copy), else a copy without blank values and with text trimmed. */
function withoutBlanks(record: Record<string, unknown>): Record<string, unknown> {
  let clean = true;
  for (const k in record) {
    const v = record[k];
    // A string with no space at either end is neither blank nor in need of a trim.
    if (v === undefined || v === null || (typeof v === 'string' && (v.length === 0 || hasOuterSpace(v)))) {
      clean = false;
      break;
    }
  }
  if (clean) return record;
  const out = nameTable<unknown>();
  for (const [k, v] of Object.entries(record)) if (!isMissing(v)) out[k] = typeof v === 'string' ? v.trim() : v;
  return out;
}
