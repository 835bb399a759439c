import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { composeMime, encodeWords, quotedPrintable, rfc5322Date } from '../../runtime/render/mime.ts';

/** Quoted-printable decoding written from RFC 2045 §6.7, independent of the encoder. */
function decodeQp(body: string): string {
  const bytes: number[] = [];
  const soft = body.replace(/=\r\n/g, '');
  for (let i = 0; i < soft.length; i++) {
    if (soft[i] === '=') {
      bytes.push(parseInt(soft.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(...Buffer.from(soft[i]!, 'latin1'));
  }
  return Buffer.from(bytes).toString('utf8').replace(/\r\n/g, '\n');
}

function decodeWords(value: string): string {
  return value.replace(/=\?UTF-8\?B\?([^?]*)\?=(\s+(?==\?))?/g, (_m, b64: string) => Buffer.from(b64, 'base64').toString('utf8'));
}

/** The parts of a composed message: unfolded headers and each part's decoded body. */
function parse(message: string) {
  const [head, ...rest] = message.split('\r\n\r\n');
  const headers = new Map(
    head!
      .replace(/\r\n[ \t]+/g, ' ')
      .split('\r\n')
      .map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 2)]),
  );
  const boundary = /boundary="([^"]+)"/.exec(headers.get('Content-Type')!)![1]!;
  const body = rest.join('\r\n\r\n');
  const parts = body
    .split(`--${boundary}`)
    .slice(1, -1)
    .map((p) => {
      const [ph, ...pb] = p.replace(/^\r\n/, '').split('\r\n\r\n');
      return { headers: ph!, body: decodeQp(pb.join('\r\n\r\n').replace(/\r\n$/, '')) };
    });
  return { headers, parts, body, boundary };
}

describe('MIME composition', () => {
  it('quoted-printable round-trips any text, with lines of at most 76 characters', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 400 }), fc.constantFrom('\n', '\r\n'), (s, eol) => {
        const text = s
          .replace(/\r\n|\r/g, '\n')
          .split('\n')
          .join(eol);
        const encoded = quotedPrintable(text);
        for (const line of encoded.split('\r\n')) {
          expect(line.length).toBeLessThanOrEqual(76);
          expect(line).not.toMatch(/[ \t]$/);
          expect(line).toMatch(/^[\x21-\x7e \t]*$/);
        }
        expect(decodeQp(encoded)).toBe(text.replace(/\r\n/g, '\n'));
      }),
      { numRuns: 300 },
    );
  });

  it('encodes non-ASCII header words within 75 characters each, and decodes back', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 120 }), (s) => {
        const value = s.replace(/[\r\n]/g, ' ');
        const encoded = encodeWords(value);
        if (/^[\x20-\x7e]*$/.test(value)) expect(encoded).toBe(value);
        else for (const w of encoded.split(' ')) expect(w.length).toBeLessThanOrEqual(75);
        expect(decodeWords(encoded)).toBe(value);
      }),
      { numRuns: 300 },
    );
  });

  it('writes a complete multipart/alternative message with one-click unsubscribe', () => {
    const html = `<p>Grüße, Zoë — ${'a long line of text '.repeat(20)}</p>\n<a href="https://shop.example/x?a=1&b=2">Shop</a>`;
    const message = composeMime(
      { subject: 'Welcome, Zoë 🎁', html, text: 'Grüße\n\nShop (https://shop.example/x?a=1&b=2)\n' },
      {
        from: 'Hedgerow Gifts <news@shop.example>',
        to: 'zoe@example.test',
        replyTo: 'help@shop.example',
        messageId: '0123abcd@shop.example',
        date: new Date(Date.UTC(2026, 2, 10, 9)),
        unsubscribeUrl: 'https://shop.example/u/0123abcd',
        boundary: 'herald-0123abcd',
      },
    );
    const { headers, parts, body, boundary } = parse(message);
    expect(headers.get('From')).toBe('Hedgerow Gifts <news@shop.example>');
    expect(headers.get('To')).toBe('zoe@example.test');
    expect(headers.get('Reply-To')).toBe('help@shop.example');
    expect(decodeWords(headers.get('Subject')!)).toBe('Welcome, Zoë 🎁');
    expect(headers.get('Message-ID')).toBe('<0123abcd@shop.example>');
    expect(headers.get('Date')).toBe('Tue, 10 Mar 2026 09:00:00 +0000');
    expect(headers.get('List-Unsubscribe')).toBe('<https://shop.example/u/0123abcd>');
    expect(headers.get('List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
    expect(headers.get('MIME-Version')).toBe('1.0');
    expect(parts.map((p) => /Content-Type: ([^;]+)/.exec(p.headers)![1])).toEqual(['text/plain', 'text/html']);
    expect(parts[0]!.body).toBe('Grüße\n\nShop (https://shop.example/x?a=1&b=2)\n');
    expect(parts[1]!.body).toBe(html);
    // The boundary cannot occur in quoted-printable content, and every line is within limits.
    expect(body.split(`--${boundary}`).length).toBe(4);
    for (const line of message.split('\r\n')) expect(line.length).toBeLessThanOrEqual(998);
    expect(message.endsWith(`--${boundary}--\r\n`)).toBe(true);
  });

  it('quotes or encodes display names as needed', () => {
    const head = (from: string) =>
      parse(
        composeMime({ subject: 's', html: '<p>x</p>', text: 'x' }, { from, to: 'a@b.example', messageId: 'm@x', date: new Date(0) }),
      ).headers.get('From');
    expect(head('Shop, Inc. <news@shop.example>')).toBe('"Shop, Inc." <news@shop.example>');
    expect(head('Café Müller <news@shop.example>')).toMatch(/^=\?UTF-8\?B\?[^?]+\?= <news@shop\.example>$/);
    expect(head('news@shop.example')).toBe('news@shop.example');
  });

  it('dates in UTC, RFC 5322 style', () => {
    expect(rfc5322Date(new Date(Date.UTC(2011, 11, 9, 12, 5, 7)))).toBe('Fri, 09 Dec 2011 12:05:07 +0000');
  });
});
