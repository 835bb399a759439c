import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../cli/main.ts';
import { stopMjmlWorker } from '../../compiler/3-analyze/templates/index.ts';
import { composeMime, HeaderError } from '../../runtime/render/index.ts';
import type { RenderedEmail } from '../../runtime/render/renderer.ts';

const SHOWCASE = join(import.meta.dirname, '../../examples/templates-showcase');
const dirs: string[] = [];
afterAll(() => {
  stopMjmlWorker();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const email: RenderedEmail = { subject: 'Hello', html: '<p>hi</p>', text: 'hi' } as RenderedEmail;
const base = {
  from: 'Shop <news@shop.example>',
  to: 'ada@example.test',
  messageId: 'm1@shop.example',
  date: new Date('2026-03-10T09:00:00Z'),
};

function headerNames(mime: string): string[] {
  const head = mime.slice(0, mime.indexOf('\r\n\r\n'));
  return head
    .split('\r\n')
    .filter((l) => !/^[ \t]/.test(l))
    .map((l) => l.slice(0, l.indexOf(':')));
}

describe('one header encoder', () => {
  it('an address with CR/LF is refused, never a Bcc header', () => {
    expect(() => composeMime(email, { ...base, to: 'a@x.test\r\nBcc: b@y.test' })).toThrow(HeaderError);
    expect(() => composeMime(email, { ...base, to: 'a@x.test\r\nBcc: b@y.test' })).toThrow('the To header value contains a line break');
    expect(() => composeMime(email, { ...base, to: 'not an address' })).toThrow('the To header does not hold one valid email address');
    expect(() => composeMime(email, { ...base, to: 'a@x.test, b@y.test' })).toThrow(HeaderError);
    expect(() => composeMime({ ...email, subject: 'Hi\nBcc: b@y.test' }, base)).toThrow('the Subject header value contains a line break');
    expect(() => composeMime(email, { ...base, headers: { 'X-Tag': 'a\r\nBcc: b@y.test' } })).toThrow(HeaderError);
  });

  it('whatever customer data holds, a message has exactly the headers Herald writes', () => {
    const expected = headerNames(composeMime(email, base));
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 40 }),
        fc.string({ unit: 'binary', maxLength: 40 }),
        fc.string({ unit: 'binary', maxLength: 40 }),
        (to, subject, name) => {
          let mime: string;
          try {
            mime = composeMime({ ...email, subject }, { ...base, to: `${name} <${to}>` });
          } catch (e) {
            expect(e).toBeInstanceOf(HeaderError);
            return;
          }
          expect(headerNames(mime)).toEqual(expected);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('herald render with such sample data says why, names no address, and writes no header', async () => {
    const root = join(mkdtempSync(join(tmpdir(), 'herald-headers-')), 'ws');
    dirs.push(join(root, '..'));
    cpSync(SHOWCASE, root, { recursive: true });
    const sample = join(root, 'data', 'sample.yaml');
    writeFileSync(sample, readFileSync(sample, 'utf8').replace('email: ada@example.test,', 'email: "a@x.test\\r\\nBcc: b@y.test",'));
    let out = '';
    let err = '';
    const sink = (add: (s: string) => void) => new Writable({ write: (c, _e, done) => (add(c.toString()), done()) });
    const code = await main(['render', 'welcome', '--customer', 'c_1001', '--part', 'mime', root], {
      stdout: sink((s) => (out += s)),
      stderr: sink((s) => (err += s)),
      cwd: root,
      env: {},
    });
    expect(code).toBe(1);
    expect(out).not.toMatch(/^Bcc:/m);
    expect(err).toContain('herald render: customer c_1001: the To header value contains a line break');
    expect(err).not.toContain('b@y.test');
  }, 60_000);
});
