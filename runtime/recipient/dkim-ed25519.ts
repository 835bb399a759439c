import { createHash, sign, type KeyObject } from 'node:crypto';

/**
 * DKIM signatures with Ed25519 (RFC 8463, `a=ed25519-sha256`), which nodemailer's signer does not
 * make (it knows RSA only). Canonicalization is relaxed/relaxed (RFC 6376 §3.4.2 and §3.4.4), as
 * for RSA. Per RFC 8463 §3 the signature is PureEdDSA over the SHA-256 hash of the canonical
 * headers, not over the headers themselves. The message is the one string Herald composed
 * (render/mime.ts), so signing is one synchronous pass. The header list names those present,
 * each taken once from the bottom (§5.4.2); the domain and selector were validated by the schema.
 */
export interface Ed25519Options {
  domain: string;
  selector: string;
  key: KeyObject;
  /** Header names to sign, in order (those absent from the message are left out). */
  headers: readonly string[];
}

export function signEd25519(mime: string, options: Ed25519Options): string {
  const split = mime.indexOf('\r\n\r\n');
  const head = split === -1 ? mime : mime.slice(0, split + 2);
  const body = split === -1 ? '' : mime.slice(split + 4);
  const fields = headerFields(head);
  const signed: string[] = [];
  let data = '';
  for (const name of options.headers) {
    const lower = name.toLowerCase();
    const field = findLast(fields, lower);
    if (!field) continue;
    signed.push(lower);
    data += `${relaxedHeader(field)}\r\n`;
  }
  const bodyHash = createHash('sha256').update(relaxedBody(body), 'utf8').digest('base64');
  const header = `DKIM-Signature: v=1; a=ed25519-sha256; c=relaxed/relaxed; d=${options.domain};\r\n s=${options.selector}; h=${signed.join(':')};\r\n bh=${bodyHash};\r\n b=`;
  data += relaxedHeader(header);
  const signature = sign(null, createHash('sha256').update(data, 'utf8').digest(), options.key).toString('base64');
  return `${header}${signature}\r\n${mime}`;
}

/** The header block as unfolded-name / raw-field pairs (a field keeps its folded continuation lines). */
function headerFields(head: string): Array<{ name: string; raw: string }> {
  const out: Array<{ name: string; raw: string }> = [];
  for (const line of head.split(/\r\n(?![ \t])/)) {
    if (line === '') continue;
    const colon = line.indexOf(':');
    if (colon > 0) out.push({ name: line.slice(0, colon).trim().toLowerCase(), raw: line });
  }
  return out;
}

function findLast(fields: ReadonlyArray<{ name: string; raw: string }>, name: string): string | undefined {
  for (let i = fields.length - 1; i >= 0; i--) if (fields[i]!.name === name) return fields[i]!.raw;
  return undefined;
}

/** RFC 6376 §3.4.2: lowercase name, unfolded value, runs of space and tab as one space, trimmed. */
function relaxedHeader(raw: string): string {
  const colon = raw.indexOf(':');
  const value = raw
    .slice(colon + 1)
    .replace(/\r\n/g, '')
    .replace(/[ \t]+/g, ' ')
    .trim();
  return `${raw.slice(0, colon).trim().toLowerCase()}:${value}`;
}

/** RFC 6376 §3.4.4: runs of space and tab as one space, none at line ends, no empty lines at the end. */
function relaxedBody(body: string): string {
  const lines = body.split('\r\n').map((l) => l.replace(/[ \t]+/g, ' ').replace(/ $/, ''));
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines.length === 0 ? '' : `${lines.join('\r\n')}\r\n`;
}
