import type { CompiledTemplate } from '../../compiler/contract/template.ts';
import type { RenderInput } from './context.ts';
import type { RenderedEmail } from './renderer.ts';
import { checkHeaderText, HeaderError, parseMailbox } from './headers.ts';

export { HeaderError } from './headers.ts';

/**
 * What the message of one email carries besides its content. The same inputs give the same bytes,
 * which dry runs, crash recovery (the file transport rewrites a send identically) and tests rely on.
 */
export interface MimeOptions {
  from: string;
  to: string;
  replyTo?: string;
  /** Without angle brackets, e.g. `cart_reminder.c_1001.3f2a@shop.example`. */
  messageId: string;
  date: Date;
  /** Adds List-Unsubscribe and List-Unsubscribe-Post headers (marketing email). */
  unsubscribeUrl?: string;
  /** Multipart boundary base; derived from the Message-ID when absent. */
  boundary?: string;
  headers?: Record<string, string>;
}

/**
 * The message of a rendered template for one recipient: the template's own From and Reply-To
 * over the defaults given, the recipient's Message-ID, and one-click unsubscribe for marketing
 * email. Every path that writes a message (delivery, dry runs, `herald render`) composes it here.
 */
export function composeTemplateMime(
  email: RenderedEmail,
  template: Pick<CompiledTemplate, 'from' | 'reply_to' | 'category'>,
  input: Pick<RenderInput, 'message_id' | 'unsubscribe_url'>,
  envelope: { from: string; to: string; replyTo?: string; date: Date; boundary?: string; headers?: Record<string, string> },
): string {
  const replyTo = template.reply_to ?? envelope.replyTo;
  return composeMime(email, {
    from: template.from ?? envelope.from,
    to: envelope.to,
    ...(replyTo ? { replyTo } : {}),
    messageId: input.message_id,
    date: envelope.date,
    ...(template.category === 'marketing' ? { unsubscribeUrl: input.unsubscribe_url } : {}),
    ...(envelope.boundary ? { boundary: envelope.boundary } : {}),
    ...(envelope.headers ? { headers: envelope.headers } : {}),
  });
}

/**
 * The RFC 5322 message of one email, composed directly: headers (non-ASCII words as RFC 2047
 * encoded-words, long lines folded), multipart/alternative with the text and HTML parts in
 * quoted-printable UTF-8, and RFC 8058 one-click unsubscribe headers for marketing email. Built
 * synchronously in one pass: nodemailer's composer costs about a millisecond of CPU per message
 * through its streams, twenty times the rendering itself, which would cap delivery far below its
 * target rate. Deterministic: the boundary is given or derived from the Message-ID, the date is
 * the send's instant.
 */
export function composeMime(email: RenderedEmail, options: MimeOptions): string {
  const boundary = `=_${options.boundary ?? `herald-${options.messageId.replace(/[^A-Za-z0-9]/g, '')}`}`;
  const headers: Array<[string, string]> = [
    ['From', mailbox('From', options.from)],
    ['To', mailbox('To', options.to)],
  ];
  if (options.replyTo) headers.push(['Reply-To', mailbox('Reply-To', options.replyTo)]);
  headers.push(
    ['Subject', encodeWords(checkHeaderText('Subject', email.subject))],
    ['Message-ID', `<${checkMessageId(options.messageId)}>`],
    ['Date', rfc5322Date(options.date)],
    ['MIME-Version', '1.0'],
  );
  if (options.unsubscribeUrl) {
    headers.push(
      ['List-Unsubscribe', `<${checkHeaderText('List-Unsubscribe', options.unsubscribeUrl)}>`],
      ['List-Unsubscribe-Post', 'List-Unsubscribe=One-Click'],
    );
  }
  for (const [name, value] of Object.entries(options.headers ?? {})) {
    if (!/^[!-9;-~]+$/.test(name)) throw new HeaderError('a header name holds a character a header name may not');
    headers.push([name, encodeWords(checkHeaderText(name, value))]);
  }
  headers.push(['Content-Type', `multipart/alternative; boundary="${boundary}"`]);

  let out = '';
  for (const [name, value] of headers) out += fold(`${name}: ${value}`);
  out += '\r\n';
  out += `--${boundary}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n${quotedPrintable(email.text)}\r\n`;
  out += `--${boundary}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n${quotedPrintable(email.html)}\r\n`;
  out += `--${boundary}--\r\n`;
  return out;
}

const HEX = '0123456789ABCDEF';

/**
 * Quoted-printable (RFC 2045 §6.7) of UTF-8 text: lines end in CRLF, no encoded line exceeds 76
 * characters (soft breaks `=` never split an `=XX`), spaces and tabs before a line break are
 * encoded, and `=` and every byte outside printable ASCII are written `=XX`. The boundary starts
 * with `=_`, which quoted-printable output can never contain.
 */
export function quotedPrintable(text: string): string {
  const lines = text.split(LINE_BREAK);
  let out = '';
  for (let i = 0; i < lines.length; i++) {
    if (i > 0) out += '\r\n';
    out += softWrap(escapeLine(lines[i]!));
  }
  return out;
}

const LINE_BREAK = /\r\n|\r|\n/;
/** Everything quoted-printable must escape: `=`, controls, and anything outside printable ASCII. */
const UNSAFE = /[^\x21-\x3c\x3e-\x7e \t]/gu;
const escapes = new Map<string, string>();

function escapeChar(ch: string): string {
  let e = escapes.get(ch);
  if (e === undefined) {
    e = '';
    for (const b of Buffer.from(ch, 'utf8')) e += `=${HEX[b >> 4]}${HEX[b & 15]}`;
    if (escapes.size < 4096) escapes.set(ch, e);
  }
  return e;
}

/** One line with every unsafe character escaped, and a space or tab at its end too. */
function escapeLine(line: string): string {
  let escaped = line.replace(UNSAFE, escapeChar);
  const last = escaped.charCodeAt(escaped.length - 1);
  if (last === 32 || last === 9) escaped = `${escaped.slice(0, -1)}${last === 32 ? '=20' : '=09'}`;
  return escaped;
}

/** Soft line breaks (`=` CRLF) keeping lines within 76 characters, never inside an `=XX`. */
function softWrap(escaped: string): string {
  if (escaped.length <= 76) return escaped;
  let out = '';
  let from = 0;
  while (escaped.length - from > 76) {
    let cut = from + 75;
    if (escaped.charCodeAt(cut - 1) === 61) cut -= 1;
    else if (escaped.charCodeAt(cut - 2) === 61) cut -= 2;
    out += `${escaped.slice(from, cut)}=\r\n`;
    from = cut;
  }
  return out + escaped.slice(from);
}

/** RFC 2047: a header value with non-ASCII text as `=?UTF-8?B?…?=` words of at most 75 characters. */
export function encodeWords(value: string): string {
  if (/^[\x20-\x7e]*$/.test(value)) return value;
  const words: string[] = [];
  let chunk = '';
  let bytes = 0;
  for (const ch of value) {
    const size = Buffer.byteLength(ch, 'utf8');
    // 45 bytes of UTF-8 become 60 characters of base64: with the 12 of `=?UTF-8?B??=`, 72.
    if (bytes + size > 45) {
      words.push(chunk);
      chunk = '';
      bytes = 0;
    }
    chunk += ch;
    bytes += size;
  }
  if (chunk) words.push(chunk);
  return words.map((w) => `=?UTF-8?B?${Buffer.from(w, 'utf8').toString('base64')}?=`).join(' ');
}

/** A Message-ID is derived from keys, but is a header value like any other. */
function checkMessageId(id: string): string {
  checkHeaderText('Message-ID', id);
  if (/[<>\s]/.test(id)) throw new HeaderError('the Message-ID holds a space or angle bracket');
  return id;
}

/**
 * `Name <addr>` with the name quoted or encoded as needed; a bare address as it is. Refuses line
 * breaks and anything but one valid address (headers.ts), so customer data cannot add a header.
 */
function mailbox(header: string, value: string): string {
  const { name, address } = parseMailbox(header, value);
  if (name === '') return value.includes('<') ? `<${address}>` : address;
  const unquoted = name.replace(/^"(.*)"$/, '$1');
  if (!/^[\x20-\x7e]*$/.test(unquoted)) return `${encodeWords(unquoted)} <${address}>`;
  return /^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~ ]*$/.test(unquoted)
    ? `${unquoted} <${address}>`
    : `"${unquoted.replace(/(["\\])/g, '\\$1')}" <${address}>`;
}

/** A header line folded at spaces so lines stay within 78 characters where a space allows. */
function fold(line: string): string {
  if (line.length <= 78) return `${line}\r\n`;
  let out = '';
  let rest = line;
  while (rest.length > 78) {
    const at = rest.lastIndexOf(' ', 78);
    const cut = at > 0 ? at : rest.indexOf(' ', 78);
    if (cut <= 0) break;
    out += `${rest.slice(0, cut)}\r\n`;
    rest = rest.slice(cut);
  }
  return `${out}${rest}\r\n`;
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `Tue, 10 Mar 2026 09:00:00 +0000` (always UTC: the message's instant, not a time zone's). */
export function rfc5322Date(d: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return `${DAYS[d.getUTCDay()]}, ${two(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} +0000`;
}
