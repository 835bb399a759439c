import { parseMailgun } from './mailgun.ts';
import { parsePostmark } from './postmark.ts';
import { parseSendgrid } from './sendgrid.ts';
import { parseSes } from './ses.ts';
import type { ProviderRecords } from './types.ts';

/** The providers whose formats `POST /webhooks/<provider>` and `herald engagement --provider` read. */
export const PROVIDERS = ['ses', 'sendgrid', 'postmark', 'mailgun'] as const;
export type Provider = (typeof PROVIDERS)[number];

export function isProvider(name: string): name is Provider {
  return (PROVIDERS as readonly string[]).includes(name);
}

const PARSERS: Record<Provider, (payload: unknown) => ProviderRecords> = {
  ses: parseSes,
  sendgrid: parseSendgrid,
  postmark: parsePostmark,
  mailgun: parseMailgun,
};

export function parseProviderPayload(provider: Provider, payload: unknown): ProviderRecords {
  return PARSERS[provider](payload);
}

/**
 * A file of a provider's payloads, as saved from its webhooks or its API: one JSON document (an
 * object or an array), or one JSON document per line.
 */
export function parseProviderFile(provider: Provider, text: string): ProviderRecords {
  const trimmed = text.trim();
  if (trimmed === '') return { records: [], ignored: 0, problems: [] };
  try {
    return parseProviderPayload(provider, JSON.parse(trimmed));
  } catch (e) {
    if (!(e instanceof SyntaxError)) throw e;
  }
  const out: ProviderRecords = { records: [], ignored: 0, problems: [] };
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      out.problems.push(`line ${i + 1}: not JSON`);
      return;
    }
    const one = parseProviderPayload(provider, value);
    out.records.push(...one.records);
    out.ignored += one.ignored;
    out.problems.push(...one.problems.map((p) => `line ${i + 1}: ${p}`));
  });
  return out;
}
