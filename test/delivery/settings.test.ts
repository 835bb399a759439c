import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SCHEMAS_DIR } from '../../compiler/schema/files.ts';
import { DELIVERY_DEFAULTS, normalizeDelivery as normalizeWritten, type WrittenDelivery } from '../../compiler/4-emit/settings/delivery.ts';
import { anchorDelivery } from '../../runtime/delivery/settings.ts';
import { parseDuration, parseTimeOfDay } from '../../compiler/contract/core/durations.ts';
import { isSendKey, keyOfMessageId, messageIdFor, sendKey } from '../../runtime/delivery/keys.ts';
import { outcomeText } from '../../compiler/contract/personal-data.ts';

const schema = JSON.parse(readFileSync(join(SCHEMAS_DIR, 'workspace', 'delivery.schema.json'), 'utf8'));
const fields = { email: { type: 'email' as const }, email_consent: { type: 'boolean' as const } };
const context = { timeZone: 'Europe/London', customerFields: fields, baseDir: '/workspace' };
/** What the compiler writes into the manifest, as the runtime reads it from a workspace in `baseDir`. */
const normalizeDelivery = (written: WrittenDelivery, c: typeof context) => anchorDelivery(normalizeWritten(written, c), c.baseDir);

describe('delivery settings', () => {
  it("the runtime defaults are the schema's defaults", () => {
    const p = schema.properties;
    expect(p.consent_field.default).toBe(DELIVERY_DEFAULTS.consentField);
    expect(p.retry.properties.max_attempts.default).toBe(DELIVERY_DEFAULTS.maxAttempts);
    expect(p.retry.properties.backoff.default).toBe(DELIVERY_DEFAULTS.backoff);
    expect(p.retry.properties.max_backoff.default).toBe(DELIVERY_DEFAULTS.maxBackoff);
    expect(p.claim_lease.default).toBe(DELIVERY_DEFAULTS.claimLease);
    expect(p.quiet_hours.properties.action.default).toBe(DELIVERY_DEFAULTS.quietHoursAction);
    expect(p.report.properties.conversion_event.default).toBe(DELIVERY_DEFAULTS.conversionEvent);
    expect(p.report.properties.conversion_window.default).toBe(DELIVERY_DEFAULTS.conversionWindow);
    expect(schema.definitions.fileTransport.properties.dir.default).toBe(DELIVERY_DEFAULTS.fileDir);
    expect(schema.definitions.smtpTransport.properties.timeout.default).toBe(DELIVERY_DEFAULTS.smtpTimeout);
  });

  it('applies defaults to an empty block', () => {
    const s = normalizeDelivery({}, context);
    expect(s).toMatchObject({
      consentField: 'email_consent',
      emailField: 'email',
      messageDomain: 'herald.invalid',
      retry: { maxAttempts: 5, backoffMs: 60_000, maxBackoffMs: 3_600_000 },
      leaseMs: 300_000,
      transport: { type: 'file', dir: '/workspace/out/emails' },
      report: { conversionEvent: 'purchase', conversionWindowMs: 7 * 86_400_000 },
    });
    expect(s.frequencyCap).toBeUndefined();
    expect(s.quietHours).toBeUndefined();
  });

  it('reads every written setting', () => {
    const s = normalizeDelivery(
      {
        from: 'Shop <news@mail.shop.example>',
        unsubscribe_url: 'https://shop.example/u/',
        frequency_cap: { per_day: 3 },
        quiet_hours: { start: '21:30', end: '07:45', action: 'skip' },
        rate_limit: { per_hour: 100 },
        transport: { type: 'smtp', host: 'smtp.shop.example', secure: true, auth: { user_env: 'U', pass_env: 'P' } },
      },
      context,
    );
    expect(s).toMatchObject({
      messageDomain: 'mail.shop.example',
      unsubscribeUrl: 'https://shop.example/u',
      preferencesUrl: 'https://shop.example/u',
      frequencyCap: { perDay: 3 },
      quietHours: { start: 21 * 60 + 30, end: 7 * 60 + 45, action: 'skip' },
      defaultPerHour: 100,
      transport: {
        type: 'smtp',
        host: 'smtp.shop.example',
        port: 465,
        secure: true,
        auth: { userEnv: 'U', passEnv: 'P' },
        timeoutMs: 30_000,
      },
    });
  });

  it('parses durations and times of day, refusing anything else', () => {
    expect(parseDuration('90s')).toBe(90_000);
    expect(parseDuration('1.5h')).toBe(5_400_000);
    expect(parseDuration('2w')).toBe(1_209_600_000);
    expect(parseDuration('a week')).toBeUndefined();
    expect(parseTimeOfDay('08:05')).toBe(485);
    expect(parseTimeOfDay('24:00')).toBeUndefined();
  });
});

describe('Message-IDs and outcome texts', () => {
  it('a Message-ID leads back to its key, with or without brackets', () => {
    const key = sendKey({ kind: 'campaign', name: 'december', version: 'v1', customerId: 'c1' }, Buffer.alloc(32, 7));
    expect(isSendKey(key)).toBe(true);
    expect(keyOfMessageId(`<${messageIdFor(key, 'shop.example')}>`)).toBe(key);
    expect(keyOfMessageId('CAF1234@mail.gmail.com')).toBeUndefined();
  });

  it("outcome texts never keep an address, but keep Herald's own Message-IDs", () => {
    const key = '0123456789abcdef0123456789abcdef';
    expect(outcomeText(`550 5.1.1 <ada.lovelace+news@example.co.uk>: Recipient address rejected\n(queued as ${key}@shop.example)`)).toBe(
      `550 5.1.1 <<address>>: Recipient address rejected (queued as ${key}@shop.example)`,
    );
    expect(outcomeText('x'.repeat(800))).toHaveLength(500);
  });
});
