import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { catalogue, messages } from '../../compiler/diagnostics/catalogue/index.ts';
import { runtimeMessages } from '../../compiler/contract/messages/runtime.ts';
import { deliveryRunMessages } from '../../compiler/contract/messages/delivery-run.ts';
import { journeyRunMessages } from '../../compiler/contract/messages/journeys-run.ts';

const ROOT = join(import.meta.dirname, '..', '..');
/** Runtime folders whose codes are worded by message functions in the contract. */
const WORDED = ['runtime/journeys', 'runtime/delivery', 'runtime/recipient', 'runtime/models'];

function codesRaisedIn(dir: string): Set<string> {
  const codes = new Set<string>();
  for (const entry of readdirSync(join(ROOT, dir), { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.ts')) continue;
    const text = readFileSync(join(entry.parentPath, entry.name), 'utf8');
    for (const m of text.matchAll(/'(HL5\d\d)'/g)) codes.add(m[1]!);
  }
  return codes;
}

describe('runtime messages', () => {
  it('every runtime code with a message function has its catalogue entry, and the catalogue re-exports the function', () => {
    for (const [code, fn] of Object.entries(runtimeMessages)) {
      expect(catalogue.has(code), `${code} is not in the catalogue`).toBe(true);
      expect((messages as Record<string, unknown>)[code], `${code} is not among the catalogue's messages`).toBe(fn);
    }
  });

  it('every code the journey, delivery and model runtime raises has its message function', () => {
    for (const dir of WORDED) {
      for (const code of codesRaisedIn(dir)) expect(Object.keys(runtimeMessages), `${dir} raises ${code}`).toContain(code);
    }
  });

  it('words counts and lists as the run reports printed them', () => {
    expect(deliveryRunMessages.HL534({ recovered: 1, workers: ['w1'] })).toBe('resumed 1 send claimed by worker w1, which stopped');
    expect(deliveryRunMessages.HL535({ keys: ['a', 'b', 'c', 'd'] })).toBe(
      '4 sends outlived their claim and were taken over by another worker (a, b, c, …); they may have gone out twice',
    );
    expect(deliveryRunMessages.HL530({ smtpCredentialsUnset: ['SMTP_USER', 'SMTP_PASS'] })).toBe(
      'the smtp transport reads its credentials from SMTP_USER and SMTP_PASS, which are not set',
    );
    expect(journeyRunMessages.HL513({ journey: 'welcome', left: 1 })).toBe(
      'journey welcome is no longer in the workspace: 1 customer inside it left (exit reason journey_removed)',
    );
  });
});
