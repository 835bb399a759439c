import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stopMjmlWorker } from '../../compiler/3-analyze/templates/index.ts';
import { composeMime, loadTemplate, renderEmail } from '../../runtime/render/index.ts';
import { SPAMASSASSIN } from '../support/outside-programs.ts';
import { compileTemplates, recipientsOf } from '../templates/workspaces.ts';
import { resolve } from 'node:path';

/**
 * SpamAssassin's offline rules (`spamassassin -t -L`: no network tests, no Bayes history) on one
 * email of each flagship template, in each language the flagship writes: the score must be 0,
 * with no rule firing that adds points. The hidden preheader used to score HTML_FONT_LOW_CONTRAST
 * on every email (compiler/3-analyze/templates/html-finish.ts). Rules that need the network (DNS block lists,
 * Razor, Pyzor) and the envelope a relay adds (NO_RECEIVED, NO_RELAYS: zero points) are out of scope.
 */
afterAll(() => stopMjmlWorker());

/**
 * Scores many messages in one run (`--mbox`): SpamAssassin takes seconds to load its rules, and
 * one process for the sample keeps this test to one load. Each message's verdict is its
 * `X-Spam-Status` header, in input order.
 */
function spamassassin(messages: readonly string[]): Promise<Array<{ score: number; rules: string[] }>> {
  const mbox = messages
    .map((m) => `From herald@example.test Sat Dec 10 09:00:00 2011\n${m.replace(/\r\n/g, '\n').replace(/^(>*From )/gm, '>$1')}\n`)
    .join('\n');
  return new Promise((done, fail) => {
    const child = spawn('spamassassin', ['-t', '-L', '--mbox'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
    child.on('error', fail);
    child.on('close', () => {
      const verdicts = [...out.matchAll(/^X-Spam-Status: \w+, score=(-?[\d.]+) required=[\d.]+ tests=([\s\S]*?) autolearn=/gm)].map(
        (m) => ({
          score: Number(m[1]),
          rules: m[2]!
            .replace(/\s+/g, '')
            .split(',')
            .filter((r) => r !== '' && r !== 'none'),
        }),
      );
      if (verdicts.length !== messages.length)
        return fail(new Error(`SpamAssassin gave ${verdicts.length} verdicts for ${messages.length} messages:\n${out.slice(0, 500)}`));
      done(verdicts);
    });
    child.stdin.end(mbox);
  });
}

describe.skipIf(SPAMASSASSIN.skip)(SPAMASSASSIN.title('SpamAssassin on flagship emails'), () => {
  beforeAll(() => SPAMASSASSIN.require());

  it('scores an email of every flagship template 0 (in English, German or French), with no rule that adds points', async () => {
    const ws = compileTemplates(resolve('campaigns'));
    const names: string[] = [];
    const messages: string[] = [];
    const locales = ['en-GB', 'de-DE', 'fr-FR'];
    for (const [n, t] of ws.templates.entries()) {
      const first = recipientsOf(t)[0]!;
      // One email per template, the languages taken in turn: SpamAssassin is slow to run.
      for (const locale of [locales[n % locales.length]!]) {
        const input = { ...first.input, customer: { ...first.input.customer, locale } };
        const r = renderEmail(loadTemplate(t.compiled), input, { timeZone: ws.timeZone, asOf: Date.UTC(2011, 11, 10) });
        if (!r.ok) throw new Error(r.reason);
        const mime = composeMime(r.email, {
          from: t.compiled.from ?? 'The Gift Loft <hello@shop.example>',
          to: `${first.id}@example.test`,
          messageId: input.message_id,
          date: new Date(Date.UTC(2011, 11, 10, 9)),
          unsubscribeUrl: input.unsubscribe_url,
        });
        names.push(`${t.compiled.name} (${locale})`);
        messages.push(mime);
      }
    }
    const verdicts = await spamassassin(messages);
    // SpamAssassin read each HTML part (HTML_MESSAGE is its informational, zero-point rule).
    for (const v of verdicts) expect(v.rules).toContain('HTML_MESSAGE');
    const results = verdicts.map((v, i) => ({ name: names[i]!, ...v }));
    expect(results.length).toBe(ws.templates.length);
    // Rules that fire with no points (informational, or negative) are allowed; none that adds any.
    expect(results.filter((r) => r.score > 0).map((r) => `${r.name}: ${r.score} ${r.rules.join(',')}`)).toEqual([]);
  }, 240_000);
});
