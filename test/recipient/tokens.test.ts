import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { LinkSigner } from '../../runtime/recipient/tokens.ts';
import { SecretError, secretFromEnv, serveSecret, type LinkSecret } from '../../runtime/recipient/secret.ts';
import { checkFormToken, formToken, sameOrigin } from '../../runtime/recipient/csrf.ts';
import { isMachine } from '../../runtime/recipient/machine.ts';

const secret = (k: string): LinkSecret => ({ keys: [Buffer.from(k.repeat(40))], throwaway: false });
const hexKey = fc.stringMatching(/^[0-9a-f]{32}$/);

describe('link tokens', () => {
  it('verify for their own message, purpose and link only', () => {
    const signer = new LinkSigner(secret('a'));
    fc.assert(
      fc.property(hexKey, hexKey, fc.stringMatching(/^[0-9a-f]{12}$/), (key, other, link) => {
        const click = signer.sign('click', key, link);
        expect(signer.verify(click, 'click', link)).toBe(key);
        expect(signer.verify(click, 'open')).toBeUndefined();
        expect(signer.verify(click, 'click', `${link.slice(1)}0`)).toBe(link === `${link.slice(1)}0` ? key : undefined);
        if (other !== key) expect(signer.verify(`${click.slice(0, 1)}${other}${click.slice(33)}`, 'click', link)).toBeUndefined();
        expect(new LinkSigner(secret('b')).verify(click, 'click', link)).toBeUndefined();
      }),
      { numRuns: 200 },
    );
  });

  it('reject every single-character change', () => {
    const signer = new LinkSigner(secret('a'));
    const token = signer.sign('unsubscribe', '0123456789abcdef0123456789abcdef');
    const alphabet = '0123456789abcdefABCDEF_-xyz';
    for (let i = 0; i < token.length; i++) {
      for (const c of alphabet) {
        if (c === token[i]) continue;
        expect(signer.verify(token.slice(0, i) + c + token.slice(i + 1), 'unsubscribe')).toBeUndefined();
      }
    }
    expect(signer.verify(`${token}=`, 'unsubscribe')).toBeUndefined();
  });

  it('rotate: the first key signs, every key verifies', () => {
    const old = new LinkSigner(secret('o'));
    const token = old.sign('preferences', 'ffffffffffffffffffffffffffffffff');
    const rotated = new LinkSigner(secretFromEnv({ HERALD_SECRET: `${'n'.repeat(40)}, ${'o'.repeat(40)}` })!);
    expect(rotated.verify(token, 'preferences')).toBe('ffffffffffffffffffffffffffffffff');
    expect(rotated.sign('preferences', 'ffffffffffffffffffffffffffffffff')).not.toBe(token);
  });

  it('come from the environment; serve refuses to start without one except in a dry run', () => {
    expect(secretFromEnv({})).toBeUndefined();
    expect(() => secretFromEnv({ HERALD_SECRET: 'short' })).toThrow(SecretError);
    expect(() => serveSecret({}, false)).toThrow(/HERALD_SECRET is not set/);
    const dry = serveSecret({}, true);
    expect(dry.secret.throwaway).toBe(true);
    expect(dry.warning).toMatch(/throwaway/);
    expect(serveSecret({}, true).secret).toBe(dry.secret);
    expect(serveSecret({ HERALD_SECRET: 'z'.repeat(32) }, false).warning).toBeUndefined();
  });
});

describe('forms and machines', () => {
  it('accept a form token for its message for a day', () => {
    const signer = new LinkSigner(secret('a'));
    const key = 'abcdefabcdefabcdefabcdefabcdefab';
    const t = formToken(signer, key, 1_000_000_000_000);
    expect(checkFormToken(signer, key, t, 1_000_000_000_000 + 3_600_000)).toBe(true);
    expect(checkFormToken(signer, key, t, 1_000_000_000_000 + 25 * 3_600_000)).toBe(false);
    expect(checkFormToken(signer, 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb', t, 1_000_000_000_000)).toBe(false);
    expect(checkFormToken(signer, key, null, 1_000_000_000_000)).toBe(false);
    expect(sameOrigin({ origin: 'https://shop.example' }, 'https://shop.example')).toBe(true);
    expect(sameOrigin({ origin: 'http://127.0.0.1:8080', host: '127.0.0.1:8080' }, 'https://shop.example')).toBe(true);
    expect(sameOrigin({ origin: 'https://evil.example', host: 'shop.example' }, 'https://shop.example')).toBe(false);
  });

  it("flag Apple's proxy, scanners and instant clicks, not a person later on", () => {
    const base = {
      userAgent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X)',
      remoteAddress: '198.51.100.4',
      method: 'GET',
      sentAt: 0,
    };
    expect(isMachine({ ...base, kind: 'open', at: 600_000 })).toBe(false);
    expect(isMachine({ ...base, kind: 'open', at: 600_000, remoteAddress: '17.1.2.3', userAgent: 'Mozilla/5.0' })).toBe(true);
    expect(isMachine({ ...base, kind: 'click', at: 4_000 })).toBe(true);
    expect(isMachine({ ...base, kind: 'click', at: 600_000, otherLinksJustHit: 2 })).toBe(true);
    expect(isMachine({ ...base, kind: 'click', at: 600_000, userAgent: 'Barracuda Sentinel' })).toBe(true);
    expect(isMachine({ ...base, kind: 'click', at: 600_000, method: 'HEAD' })).toBe(true);
    expect(isMachine({ ...base, kind: 'click', at: 600_000 })).toBe(false);
  });
});
