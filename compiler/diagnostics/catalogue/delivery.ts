import type { CodeEntry, MessageTable } from './types.ts';

/** Codes HL313 (subscription topics), HL315–HL319 (the Workspace's delivery settings) and HL530–HL549 (delivery at run time). */
export const deliveryCodes: CodeEntry[] = [
  {
    code: 'HL313',
    title: 'unknown subscription topic',
    severity: 'error',
    explanation:
      'A Template or Campaign names the subscription `topic` its email belongs to, and the Workspace declares the topics under `topics:` (each with a `title` the preferences page shows). A customer who leaves a topic gets no email of it; one who leaves all email gets none. Rules read a subscription with `subscribed("newsletter")`. A topic that is not declared could never be left, so naming one (in `topic:` or in `subscribed(...)`) is refused. Declare it, or fix the name.',
  },
  {
    code: 'HL315',
    title: 'invalid sender address',
    severity: 'error',
    explanation:
      'Every email carries a From address, and replies go to Reply-To. `delivery.from` and `delivery.reply_to` must be a mailbox, either `news@acme.example` or `Acme Shop <news@acme.example>`. The smtp transport needs a `from`: without one Herald would send from a placeholder that no mail server accepts.',
  },
  {
    code: 'HL316',
    title: 'delivery field is not a suitable customer field',
    severity: 'error',
    explanation:
      'Delivery reads two customer fields for every send: the consent field (`delivery.consent_field`, default `email_consent`), which must be a boolean (a marketing email goes only to customers for whom it is true), and the address field (`delivery.email_field`, default `email`, or the only field of type email), which must be of type email or string. Declare the field under `customers.fields` in herald.yaml, or name another one.',
  },
  {
    code: 'HL317',
    title: 'quiet hours cover no time',
    severity: 'error',
    explanation:
      'Quiet hours are a local time window `[start, end)` in which no marketing email goes out; a window may span midnight (21:00 to 08:00). A window whose start equals its end is empty (or, read the other way, the whole day), so Herald cannot tell what was meant. Give different times, or remove `quiet_hours`.',
  },
  {
    code: 'HL318',
    title: 'real delivery needs link bases',
    severity: 'error',
    explanation:
      'Every marketing email must carry a working unsubscribe link. Herald builds it from `delivery.unsubscribe_url` (`<base>/<token>`, the token naming the message, never the address). With the smtp transport and marketing templates in the workspace, emails would otherwise point at a placeholder host and recipients could not unsubscribe, which mail providers and the law both punish. The file transport (dry runs) does not need it.',
  },
  {
    code: 'HL319',
    title: 'unknown conversion event',
    severity: 'error',
    explanation:
      '`herald report` counts a conversion when a customer who clicked an email then performs `delivery.report.conversion_event` (default `purchase`) within `conversion_window` (default 7d). The event must be declared under `events` in herald.yaml.',
  },
  {
    code: 'HL530',
    title: 'delivery settings cannot be used',
    severity: 'error',
    explanation:
      'Something the delivery settings depend on is not there at run time, typically an environment variable named under `delivery.transport.auth` (`user_env`, `pass_env`) that is not set. Secrets are never written in herald.yaml; set the variables for the process that sends, or run with `--dry-run` to write files instead.',
  },
  {
    code: 'HL531',
    title: 'send rejected permanently',
    severity: 'warning',
    explanation:
      'The mail server refused the message with a permanent (5xx) reply, e.g. `550 no such user`. Retrying cannot help, so the send is recorded as `failed` with the reply (addresses removed) at once. `herald report` lists failures; a hard bounce reported later by the provider also puts the customer on the suppression list.',
  },
  {
    code: 'HL532',
    title: 'send failed after retries',
    severity: 'warning',
    explanation:
      'The transport failed every time it was tried (a temporary 4xx reply, a refused or dropped connection, a timeout) until `delivery.retry.max_attempts` ran out. The send is recorded as `failed` with the last error; it is not lost, and nothing is sent for it any more. Check the server, then re-queue it if needed.',
  },
  {
    code: 'HL533',
    title: 'queued send names a missing template',
    severity: 'error',
    explanation:
      'A send was queued for a template that is no longer in the compiled workspace (deleted or renamed after the send was queued, while customers were inside the journey). It cannot be rendered, so it is recorded as `failed` naming the template. Keep a template while journeys may still send it, or rename it in a new journey version.',
  },
  {
    code: 'HL534',
    title: 'sends resumed from a stopped worker',
    severity: 'info',
    explanation:
      'A worker claims the sends it is about to make; if it dies, its claims stay in `sending`. They are taken over when the claim is older than `delivery.claim_lease` (or at once by a worker restarted with the same worker id) and decided again. A message the dead worker had already handed to the transport may go out a second time: the file transport rewrites the same files, and over SMTP the message carries the same Message-ID so receivers can recognise it.',
  },
  {
    code: 'HL535',
    title: 'claim taken over while sending',
    severity: 'warning',
    explanation:
      'A worker finished a send after another worker had already taken its claim over (the send took longer than `delivery.claim_lease`). The message may have gone out twice. Raise the lease well above the transport timeout.',
  },
  {
    code: 'HL536',
    title: 'recipients could not be rendered',
    severity: 'warning',
    explanation:
      "The customer's data could not fill the template, e.g. `{{ customer.first_name }}` for a customer without a first name. Herald never sends \"Hi ,\": the send is suppressed with reason `render_failed` and the renderer's explanation (which part, which expression; never the customer's data). Give the value a default (`{{ customer.first_name | default('there') }}`) or fix the data.",
  },
  {
    code: 'HL537',
    title: 'engagement record is invalid',
    severity: 'error',
    explanation:
      'Each line of an engagement log is a JSON object with `event` (delivered, opened, clicked, bounced, unsubscribed or complained), `message_id` (the Message-ID Herald sent, with or without angle brackets) and `at` (an ISO timestamp), and for clicks a `url`, for bounces optionally `bounce_type` (hard or soft). A line that is not is skipped and reported with its line number; the other lines are loaded.',
  },
  {
    code: 'HL538',
    title: 'engagement for an unknown message',
    severity: 'warning',
    explanation:
      "An engagement record names a Message-ID that is not in this database's outbox: a message sent by another Herald database, by another system, or a test message. Herald cannot tell which customer it concerns, so it is skipped.",
  },
  {
    code: 'HL539',
    title: 'too few sends for a significance test',
    severity: 'info',
    explanation:
      '`herald report` compares each variant with the holdout (and variants with each other) with a two-proportion z-test. With fewer than 5 successes or 5 failures in either group the normal approximation behind the test is poor, so the p-value is not printed; collect more data first.',
  },
];

/** Messages of the delivery-settings codes (HL315–HL319). A `field` is a customer field as written. */
export const deliverySettingsMessages = {
  HL315: (p: { key: string; value: string } | { noSender: true }) =>
    'noSender' in p
      ? 'the smtp transport needs a sender: delivery.from is not set'
      : `delivery.${p.key} "${p.value}" is not an email address`,
  HL316: (p: { role: 'consent' | 'address'; field: string; type?: string; wanted: 'boolean' | 'email' } | { noAddressField: true }) =>
    'noAddressField' in p
      ? 'no customer field holds the address to send to'
      : p.type !== undefined
        ? `${p.role} field "${p.field}" is ${p.type}, not ${p.wanted}`
        : `${p.role} field "${p.field}" is not a customer field`,
  HL317: (p: { at: string }) => `quiet hours start and end at ${p.at}: the window is empty`,
  HL318: (p: { templates: number }) =>
    `the smtp transport sends marketing email (${p.templates} template${p.templates === 1 ? '' : 's'}) but delivery.unsubscribe_url is not set`,
  HL319: (p: { event: string }) => `conversion event "${p.event}" is not declared under events`,
} satisfies MessageTable;

/** Messages of the delivery codes raised while analyzing definitions (compiler/3-analyze). */
export const deliveryAnalyzeMessages = {
  HL313: (
    p: { form: 'names-topic-which'; kind: string; name: string; topic: string } | { form: 'subscribed-names-topic'; topic: string },
  ) => {
    switch (p.form) {
      case 'names-topic-which':
        return `${p.kind} "${p.name}" names topic "${p.topic}", which the workspace does not declare`;
      case 'subscribed-names-topic':
        return `\`subscribed\` names topic "${p.topic}", which the workspace does not declare`;
    }
  },
} satisfies MessageTable;
