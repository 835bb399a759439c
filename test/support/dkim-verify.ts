import { createHash, createPublicKey, createVerify, verify as cryptoVerify, type KeyObject } from 'node:crypto';

/**
 * A DKIM verifier for tests (RFC 6376, relaxed/relaxed; rsa-sha256, and ed25519-sha256 from RFC
 * 8463 with node:crypto), written from the RFCs so the signers are checked by independent code: the body hash (`bh=`) against the
 * canonical body, and the signature (`b=`) over the canonical signed headers and the
 * DKIM-Signature header itself with an empty `b=`. Returns the signed header names, or throws
 * saying what does not verify.
 */
export function verifyDkim(
  raw: string,
  publicKey: KeyObject | string,
): { domain: string; selector: string; algorithm: string; signed: string[] } {
  const split = raw.indexOf('\r\n\r\n');
  if (split === -1) throw new Error('no header/body separator');
  const head = raw.slice(0, split + 2);
  const body = raw.slice(split + 4);
  const fields: Array<{ name: string; raw: string }> = [];
  for (const line of head.split(/\r\n(?![ \t])/)) {
    if (line === '') continue;
    fields.push({ name: line.slice(0, line.indexOf(':')).trim().toLowerCase(), raw: line });
  }
  const signature = fields.find((f) => f.name === 'dkim-signature');
  if (!signature) throw new Error('no DKIM-Signature header');
  const tags = new Map<string, string>();
  for (const part of signature.raw.slice(signature.raw.indexOf(':') + 1).split(';')) {
    const eq = part.indexOf('=');
    if (eq === -1) continue;
    tags.set(part.slice(0, eq).trim(), part.slice(eq + 1).replace(/\s+/g, ''));
  }
  const algorithm = tags.get('a');
  if (algorithm !== 'rsa-sha256' && algorithm !== 'ed25519-sha256') throw new Error(`algorithm ${algorithm}`);
  if (tags.get('c') !== 'relaxed/relaxed') throw new Error(`canonicalization ${tags.get('c')}`);
  const bodyHash = createHash('sha256').update(relaxedBody(body)).digest('base64');
  if (bodyHash !== tags.get('bh')) throw new Error('body hash does not match');
  const signed = (tags.get('h') ?? '').split(':').map((h) => h.trim().toLowerCase());
  const used = new Map<string, number>();
  let data = '';
  for (const name of signed) {
    // Instances are taken from the bottom up (RFC 6376 §5.4.2).
    const all = fields.filter((f) => f.name === name && f !== signature);
    const n = used.get(name) ?? 0;
    used.set(name, n + 1);
    const field = all[all.length - 1 - n];
    if (field) data += `${relaxedHeader(field.raw)}\r\n`;
  }
  data += relaxedHeader(signature.raw.replace(/(\bb=)[^;]*/, '$1'));
  const b = Buffer.from(tags.get('b') ?? '', 'base64');
  let valid: boolean;
  if (algorithm === 'ed25519-sha256') {
    // RFC 8463 §3: PureEdDSA over the SHA-256 hash of the canonical data; the key must be Ed25519.
    const key = typeof publicKey === 'string' ? createPublicKey(publicKey) : publicKey;
    if (key.asymmetricKeyType !== 'ed25519') throw new Error(`an ed25519-sha256 signature checked against a ${key.asymmetricKeyType} key`);
    valid = cryptoVerify(null, createHash('sha256').update(data).digest(), key, b);
  } else {
    const verifier = createVerify('RSA-SHA256');
    verifier.update(data);
    valid = verifier.verify(publicKey, b);
  }
  if (!valid) throw new Error('signature does not verify');
  return { domain: tags.get('d') ?? '', selector: tags.get('s') ?? '', algorithm, signed };
}

function relaxedHeader(line: string): string {
  const colon = line.indexOf(':');
  const name = line.slice(0, colon).trim().toLowerCase();
  const value = line
    .slice(colon + 1)
    .replace(/\r\n/g, '')
    .replace(/[ \t]+/g, ' ')
    .trim();
  return `${name}:${value}`;
}

function relaxedBody(body: string): string {
  const lines = body.split('\r\n').map((l) => l.replace(/[ \t]+/g, ' ').replace(/ $/, ''));
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines.length === 0 ? '' : `${lines.join('\r\n')}\r\n`;
}

/**
 * The public key as a receiver gets it from DNS (`<selector>._domainkey.<domain>` TXT `k=…; p=…`):
 * for Ed25519 `p=` is the bare 32-byte key in base64 (RFC 8463 §4), for RSA the DER
 * SubjectPublicKeyInfo. Verifying against the key rebuilt from the record checks what is published.
 */
export function keyFromDnsRecord(record: string): KeyObject {
  const tags = new Map(
    record.split(';').map((t) => {
      const eq = t.indexOf('=');
      return [t.slice(0, eq).trim(), t.slice(eq + 1).trim()] as const;
    }),
  );
  const p = Buffer.from(tags.get('p') ?? '', 'base64');
  if (tags.get('k') === 'ed25519')
    return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: p.toString('base64url') }, format: 'jwk' });
  return createPublicKey({ key: p, format: 'der', type: 'spki' });
}
