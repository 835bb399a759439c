import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compileTemplateFile, SHOWCASE } from '../templates/helpers.ts';
import { stopMjmlWorker } from '../../compiler/3-analyze/templates/index.ts';
import {
  composeMime,
  loadTemplate,
  readSampleData,
  renderEmail,
  sampleRenderInput,
  writeEmailFiles,
  writeRecipientEmail,
} from '../../runtime/render/index.ts';

afterAll(() => stopMjmlWorker());

async function welcomeFor(id: string) {
  const compiled = compileTemplateFile(SHOWCASE, 'templates/welcome.yaml').compiled!;
  const sample = readSampleData(`${SHOWCASE}/data/sample.yaml`);
  const input = sampleRenderInput(compiled, sample, id)!;
  const r = renderEmail(loadTemplate(compiled), input);
  if (!r.ok) throw new Error(r.reason);
  const mime = composeMime(r.email, {
    from: 'Hedgerow Gifts <news@shop.example>',
    to: String(input.customer.email),
    messageId: input.message_id,
    date: new Date('2026-03-10T09:00:00Z'),
    unsubscribeUrl: input.unsubscribe_url,
    boundary: 'herald-test',
  });
  return { email: r.email, mime, input };
}

describe('MIME messages', () => {
  it('writes headers, multipart/alternative and one-click unsubscribe, deterministically', async () => {
    const a = await welcomeFor('c_1001');
    const b = await welcomeFor('c_1001');
    expect(a.mime).toBe(b.mime);
    const text = a.mime;
    // Unfold long header lines (RFC 5322 folding) before reading them.
    const headers = text.slice(0, text.indexOf('\r\n\r\n')).replace(/\r\n[ \t]+/g, ' ');
    expect(headers).toContain('From: Hedgerow Gifts <news@shop.example>');
    expect(headers).toContain('To: ada@example.test');
    expect(headers).toContain('Subject: Welcome to Hedgerow Gifts, Ada');
    expect(headers).toContain('Date: Tue, 10 Mar 2026 09:00:00 +0000');
    expect(headers).toContain(`Message-ID: <${a.input.message_id}>`);
    expect(headers).toContain(`List-Unsubscribe: <${a.input.unsubscribe_url}>`);
    expect(headers).toContain('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
    expect(headers).toMatch(/Content-Type: multipart\/alternative; boundary="=_herald-test"/);
    const plain = text.indexOf('Content-Type: text/plain; charset=utf-8');
    const html = text.indexOf('Content-Type: text/html; charset=utf-8');
    expect(plain).toBeGreaterThan(0);
    expect(html).toBeGreaterThan(plain);
  });

  it('keeps the preheader as hidden text at the top of the HTML', async () => {
    const { email } = await welcomeFor('c_1002');
    expect(email.preheader).toBe('Hand-picked gifts, free UK delivery over £40');
    const body = email.html.slice(email.html.indexOf('<body'));
    expect(body).toMatch(
      /^<body[^>]*>\s*<div style="display:none;[^"]*">Hand-picked gifts, free UK delivery over £40(&#847;&zwnj;&nbsp;)+<\/div>/,
    );
  });

  it('encodes a non-ASCII subject as RFC 2047 words that decode back', async () => {
    const { email, input } = await welcomeFor('c_1002');
    const subject = 'Bienvenue chez Hedgerow, Zoë — des cadeaux choisis à la main ✓';
    const mime = composeMime(
      { ...email, subject },
      { from: 'Shop <news@shop.example>', to: 'jean@example.test', messageId: input.message_id, date: new Date(0) },
    );
    const header = /^Subject: (.*)$/m.exec(mime.slice(0, mime.indexOf('\r\n\r\n')).replace(/\r\n[ \t]+/g, ' '))![1]!;
    expect(header).toMatch(/^(=\?UTF-8\?B\?[A-Za-z0-9+/=]+\?= ?)+$/);
    const words = [...header.matchAll(/=\?UTF-8\?B\?([^?]*)\?=/g)].map((m) => Buffer.from(m[1]!, 'base64'));
    expect(Buffer.concat(words).toString('utf8')).toBe(subject);
  });

  it('writes .html, .txt and .eml files for a recipient', async () => {
    const { email, mime } = await welcomeFor('c_1001');
    const dir = mkdtempSync(join(tmpdir(), 'herald-render-'));
    const paths = writeEmailFiles(dir, 'welcome.c_1001', email, mime);
    expect(readFileSync(paths.html, 'utf8')).toBe(email.html);
    expect(readFileSync(paths.text, 'utf8')).toBe(email.text);
    expect(readFileSync(paths.eml, 'utf8')).toBe(mime);
    expect(() => writeEmailFiles(dir, '../escape', email, mime)).toThrow(/unsafe/);
  });

  it('writes a dry-run recipient byte-identically across runs, and records why one cannot be sent', async () => {
    const compiled = compileTemplateFile(SHOWCASE, 'templates/cart_reminder.yaml').compiled!;
    const sample = readSampleData(`${SHOWCASE}/data/sample.yaml`);
    const template = loadTemplate(compiled);
    const input = sampleRenderInput(compiled, sample, 'c_1001')!;
    const options = {
      name: 'cart_recovery.remind.c_1001',
      from: 'Shop <news@shop.example>',
      date: new Date('2026-03-08T09:00:00Z'),
      boundary: 'dry',
    };
    const a = await writeRecipientEmail(template, input, { ...options, dir: mkdtempSync(join(tmpdir(), 'herald-dry-')) });
    const b = await writeRecipientEmail(template, input, { ...options, dir: mkdtempSync(join(tmpdir(), 'herald-dry-')) });
    if (!a.ok || !b.ok) throw new Error('not written');
    expect(readFileSync(a.files.eml).equals(readFileSync(b.files.eml))).toBe(true);
    const noEmail = await writeRecipientEmail(template, { ...input, customer: { id: 'x' } }, { ...options, dir: tmpdir() });
    expect(noEmail).toEqual({ ok: false, reason: 'the customer has no email address' });
  });
});
