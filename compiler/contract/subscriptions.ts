/**
 * What `subscribed("topic")` means, shared by the rule language's two backends (compiler/sql and
 * runtime/eval) and the delivery gates that stop a send (runtime/delivery/gates.ts,
 * runtime/delivery/suppressions.ts). A customer is subscribed to a topic at an instant unless, by
 * then,
 *
 * - they left all marketing email: a `delivery_suppressions` row with reason `unsubscribed`
 *   (one-click, the unsubscribe page, "all email" on the preferences page, `herald engagement`),
 *   or an `email_unsubscribed` event without a topic (from any Source) later than the customer's
 *   last re-subscription (the `lifted` row: earlier unsubscribe events stop counting), or
 * - they left that topic: a `recipient_topic_optouts` row for it (the preferences page).
 *
 * Every declared topic starts subscribed (customers leave topics; they are never opted in).
 * Consent (`delivery.consent_field`), bounces and complaints are not subscriptions: rules read
 * them as fields and events.
 */

/** The suppression list (runtime/db/migrations/005_delivery.ts). */
export const SUPPRESSIONS_TABLE = 'delivery_suppressions';
/** Topics customers left (runtime/db/migrations/007_recipient.ts). */
export const TOPIC_OPTOUTS_TABLE = 'recipient_topic_optouts';
/** The list reason of an unsubscribe from all marketing email. */
export const UNSUBSCRIBED_REASON = 'unsubscribed';
/** The list row recording a re-subscription: unsubscribe events up to its instant stop counting. */
export const LIFTED_REASON = 'lifted';
/** The event type of unsubscribes (with `topic` when one topic was left). */
export const UNSUBSCRIBE_EVENT = 'email_unsubscribed';
/** The event type of re-subscriptions, which come with the rows a re-subscription changes. */
export const RESUBSCRIBE_EVENT = 'email_resubscribed';

/** One customer's subscription rows, as the evaluator reads them (epoch milliseconds). */
export interface SubscriptionRows {
  /** The `unsubscribed` list row's instant. */
  unsubscribedAt?: number;
  /** The `lifted` list row's instant. */
  liftedAt?: number;
  /** Topic -> the instant the customer left it. */
  topicsLeft?: Readonly<Record<string, number>>;
}
