/**
 * The email engagement event types every workspace has (unless it declares one of them itself):
 * what delivery records when it sends, and what mail providers report back (delivered, opened,
 * clicked, bounced, unsubscribed, complained). Rules read them like any event, e.g.
 * `not exists(email_sent within 2d)` or `count(email_clicked where journey = "welcome" within 30d) > 0`.
 */
import type { FieldDef } from './data-model.ts';

/** The properties every engagement event carries: which message, template, journey or campaign, variant. */
const MESSAGE_PROPERTIES: Record<string, FieldDef> = {
  message_id: { type: 'string', description: 'The Message-ID of the email (without angle brackets).' },
  template: { type: 'string', description: 'The Template that was sent.' },
  journey: { type: 'string', description: 'The journey or campaign that sent it.' },
  variant: { type: 'string', description: 'The experiment variant, when the send followed a split.' },
};

/** Set on opens and clicks a machine made (a privacy proxy fetching images, a link scanner): not a person's. */
const MACHINE: FieldDef = {
  type: 'boolean',
  description: 'True when a machine made it (Apple Mail Privacy Protection, a link scanner), not the recipient.',
};

/** On (un)subscribes from the preferences page: the topic left or joined; absent for all email. */
const TOPIC: FieldDef = { type: 'string', description: 'The subscription topic left or joined; absent when it concerns all email.' };

export const EMAIL_EVENT_TYPES = {
  email_sent: MESSAGE_PROPERTIES,
  email_delivered: MESSAGE_PROPERTIES,
  email_opened: { ...MESSAGE_PROPERTIES, machine: MACHINE },
  email_clicked: { ...MESSAGE_PROPERTIES, url: { type: 'string', description: 'The link that was clicked.' }, machine: MACHINE },
  email_bounced: {
    ...MESSAGE_PROPERTIES,
    bounce_type: {
      type: 'string',
      description: 'hard (the address does not exist; suppressed from then on) or soft (a full mailbox; not suppressed).',
    },
  },
  email_unsubscribed: { ...MESSAGE_PROPERTIES, topic: TOPIC },
  email_resubscribed: { ...MESSAGE_PROPERTIES, topic: TOPIC },
  email_complained: MESSAGE_PROPERTIES,
} as const satisfies Record<string, Record<string, FieldDef>>;

export type EmailEventType = keyof typeof EMAIL_EVENT_TYPES;

/** Engagement types that put the customer on the suppression list from the event's instant on. */
export const SUPPRESSING_EMAIL_EVENTS = ['email_unsubscribed', 'email_complained', 'email_bounced'] as const;
