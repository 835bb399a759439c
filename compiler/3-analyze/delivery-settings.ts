import type { Definition } from '../1-load/definition.ts';
import type { AnalyzeContext, DocPath } from './context.ts';
import { diagnostic } from '../diagnostics/make.ts';
import { emailFieldOf } from '../contract/data-model.ts';
import { mailboxAddress } from '../contract/mailbox.ts';
import { suggest } from '../diagnostics/suggest.ts';
import { own } from '../contract/core/own.ts';

/**
 * Checks of the Workspace's `delivery` block that its schema cannot express (HL315–HL319): sender
 * addresses, that the consent and address fields exist with usable types, that quiet hours cover
 * some time, that real (smtp) delivery has an unsubscribe base when marketing email exists, and
 * that the conversion event of `herald report` is declared. Settings left to their defaults are
 * only checked where a default cannot work (no address field at all).
 */
interface DeliveryBlock {
  from?: string;
  reply_to?: string;
  unsubscribe_url?: string;
  consent_field?: string;
  email_field?: string;
  quiet_hours?: { start: string; end: string };
  transport?: { type: string };
  report?: { conversion_event?: string; revenue?: string };
}

export function analyzeDeliverySettings(def: Definition, ctx: AnalyzeContext): void {
  const delivery = (def.spec as { delivery?: DeliveryBlock }).delivery;
  if (!delivery || typeof delivery !== 'object') return;
  const at = (path: string[]) => ({ file: def.doc.file.path, range: ctx.rangeOf(def, ['spec', 'delivery', ...path] as DocPath) });
  const fields = ctx.dataModel.customers.fields;
  const smtp = delivery.transport?.type === 'smtp';

  for (const key of ['from', 'reply_to'] as const) {
    const value = delivery[key];
    if (value !== undefined && mailboxAddress(value) === undefined) {
      ctx.report(
        diagnostic('HL315', { key, value }, { ...at([key]), help: 'write `news@acme.example` or `Acme Shop <news@acme.example>`' }),
      );
    }
  }
  if (smtp && delivery.from === undefined) {
    ctx.report(
      diagnostic('HL315', { noSender: true }, { ...at(['transport']), help: 'add `from: Acme Shop <news@acme.example>` under delivery' }),
    );
  }

  if (delivery.consent_field !== undefined) {
    const f = own(fields, delivery.consent_field);
    if (!f || f.type !== 'boolean') {
      const booleans = Object.entries(fields)
        .filter(([, x]) => x.type === 'boolean')
        .map(([n]) => n);
      ctx.report(
        diagnostic(
          'HL316',
          { role: 'consent', field: delivery.consent_field, wanted: 'boolean', ...(f ? { type: f.type } : {}) },
          {
            ...at(['consent_field']),
            help:
              booleans.length > 0
                ? `boolean customer fields: ${booleans.join(', ')}`
                : 'declare a boolean customer field, e.g. `email_consent: boolean`',
          },
        ),
      );
    }
  }
  const emailField = emailFieldOf(fields, delivery.email_field);
  const f = emailField !== undefined ? own(fields, emailField) : undefined;
  if (emailField === undefined) {
    ctx.report(
      diagnostic(
        'HL316',
        { noAddressField: true },
        { ...at([]), help: 'declare `email: { type: email, pii: true }` under customers.fields, or set delivery.email_field' },
      ),
    );
  } else if (!f || (f.type !== 'email' && f.type !== 'string')) {
    ctx.report(
      diagnostic(
        'HL316',
        { role: 'address', field: emailField, wanted: 'email', ...(f ? { type: f.type } : {}) },
        { ...at(delivery.email_field !== undefined ? ['email_field'] : []) },
      ),
    );
  }

  const quiet = delivery.quiet_hours;
  if (quiet && quiet.start === quiet.end) {
    ctx.report(
      diagnostic(
        'HL317',
        { at: quiet.start },
        { ...at(['quiet_hours']), help: 'give different times, e.g. start: "21:00" and end: "08:00", or remove quiet_hours' },
      ),
    );
  }

  if (smtp && delivery.unsubscribe_url === undefined) {
    const marketing = ctx.byKind('Template').filter((t) => (t.spec as { category?: string }).category !== 'transactional');
    if (marketing.length > 0) {
      ctx.report(
        diagnostic(
          'HL318',
          { templates: marketing.length },
          {
            ...at(['transport']),
            help: 'add `unsubscribe_url: https://…/unsubscribe` under delivery: each email links to `<base>/<token>`',
          },
        ),
      );
    }
  }

  const conversion = delivery.report?.conversion_event;
  if (conversion !== undefined && own(ctx.dataModel.events, conversion) === undefined) {
    const hint = suggest(conversion, Object.keys(ctx.dataModel.events));
    ctx.report(
      diagnostic(
        'HL319',
        { event: conversion },
        {
          ...at(['report', 'conversion_event']),
          help: hint ? `did you mean "${hint}"?` : 'declare it under events in herald.yaml, or name a declared event',
        },
      ),
    );
  }

  // The revenue `herald report` values conversions by: a number property of the conversion event.
  const revenue = delivery.report?.revenue;
  const event = own(ctx.dataModel.events, conversion ?? 'purchase');
  if (revenue !== undefined && event !== undefined && event[revenue]?.type !== 'number') {
    const numbers = Object.entries(event)
      .filter(([, p]) => p.type === 'number')
      .map(([name]) => name);
    const hint = suggest(revenue, numbers);
    const what = event[revenue] ? `is ${event[revenue]!.type}, not number` : 'is not a property of it';
    ctx.report(
      diagnostic(
        'HL396',
        { revenue, value: conversion ?? 'purchase', what },
        {
          ...at(['report', 'revenue']),
          help: hint
            ? `did you mean "${hint}"?`
            : numbers.length > 0
              ? `number properties of the event: ${numbers.join(', ')}`
              : 'declare a number property (e.g. amount: number) on the event',
        },
      ),
    );
  }
}
