import type { CompiledTemplate } from '../../compiler/contract/template.ts';
import type { RenderInput } from './context.ts';
import { popularItems } from './popularity.ts';
import { basketItem, catalogueById, openCartLines } from './cart.ts';
import { normalizeItemId } from '../ingest/coerce/item-id.ts';
import type { SampleData } from './sample-data.ts';
import { LinkSigner } from '../recipient/tokens.ts';
import { own } from '../../compiler/contract/core/own.ts';
import { previewSecret } from '../recipient/secret.ts';

/** Where unsubscribe and preference links point when no delivery configuration says otherwise. */
export interface LinkSettings {
  /** e.g. `https://shop.example/email`; links become `<base>/unsubscribe/<token>`. */
  baseUrl: string;
  /** Domain of generated Message-IDs. */
  messageDomain: string;
}

export const PREVIEW_LINKS: LinkSettings = { baseUrl: 'https://preview.herald.invalid', messageDomain: 'preview.herald.invalid' };

let signer: LinkSigner | undefined;

/**
 * A stable message key per template and customer for renders that are not sends, keyed by the
 * link secret (runtime/recipient/tokens.ts), so links and Message-ID never show an email address
 * and cannot be computed from a template name and a customer id.
 */
export function messageToken(template: string, customerId: string): string {
  signer ??= new LinkSigner(previewSecret());
  return signer.previewKey(template, customerId);
}

/** The links and Message-ID of a preview render: signed with the code sent messages use. */
export function previewLinks(
  template: string,
  customerId: string,
  links: LinkSettings,
): Pick<RenderInput, 'unsubscribe_url' | 'preferences_url' | 'message_id'> {
  signer ??= new LinkSigner(previewSecret());
  const key = messageToken(template, customerId);
  return {
    unsubscribe_url: `${links.baseUrl}/unsubscribe/${signer.sign('unsubscribe', key)}`,
    preferences_url: `${links.baseUrl}/preferences/${signer.sign('preferences', key)}`,
    message_id: `${key}@${links.messageDomain}`,
  };
}

/**
 * The render input for one customer of the sample data: their record, traits, segments, scores,
 * recommendations (the listed ones, else the popularity fallback) and, for previews of journey
 * emails, an entry whose items are the customer's open basket (as of `asOf`; default: all events).
 */
export function sampleRenderInput(
  compiled: CompiledTemplate,
  sample: SampleData,
  customerId: string,
  links: LinkSettings = PREVIEW_LINKS,
  asOf = Number.MAX_SAFE_INTEGER,
): RenderInput | undefined {
  const customer = sample.customers.find((c) => String(c.id) === customerId);
  if (!customer) return undefined;
  const itemsById = catalogueById(sample.items);
  const listed = own(sample.recommendations, customerId)
    ?.map((id) => itemsById.get(normalizeItemId(id) ?? ''))
    .filter((i): i is Record<string, unknown> => i !== undefined);
  const recommendations =
    listed && listed.length > 0
      ? listed.slice(0, compiled.recommendations.count)
      : popularItems(sample.events, sample.items, compiled.recommendations.count, { excludeBoughtBy: customerId });
  const mine = sample.events
    .filter((e) => (e.customer ?? e.customer_id) === customerId)
    .map((e) => {
      const props = e.properties ?? (e as Record<string, unknown>);
      return { type: e.type, at: (e as { at?: unknown }).at, item_id: props.item_id, price: props.price, name: props.name };
    });
  const cart = openCartLines(mine, asOf).map((line) => basketItem(line, itemsById));
  return {
    customer,
    traits: own(sample.traits, customerId) ?? {},
    segments: own(sample.segments, customerId) ?? [],
    scores: own(sample.scores, customerId) ?? {},
    tiers: own(sample.tiers, customerId) ?? {},
    recommendations,
    journey: { name: 'preview', step: compiled.name, entry: { event: 'added_to_cart', items: cart } },
    ...previewLinks(compiled.name, customerId, links),
  };
}
