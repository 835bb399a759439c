import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEVICES } from '../../cli/plan/evidence/screenshots.ts';
import { DEFAULT_CHROMIUM } from '../../cli/browser.ts';
import { CHROMIUM } from '../support/outside-programs.ts';
import { createRepo, replaceOnce, type TestRepo } from './support/repo.ts';
import { planJson, QUIET_ENV } from './support/plan-run.ts';

/**
 * Screenshots of a changed template, before and after, at desktop and phone widths, in the real
 * Chromium. CI must have it (the test fails there without it); elsewhere it is skipped with a reason.
 */

const repos: TestRepo[] = [];
afterAll(() => repos.forEach((r) => r.remove()));

function changedTemplate(): TestRepo {
  const r = createRepo();
  repos.push(r);
  r.edit('templates/welcome.mjml', (t) =>
    replaceOnce(
      t,
      '<mj-text>We are glad you are here.',
      '<mj-button href="https://shop.example/new">See what is new</mj-button>\n        <mj-text>We are glad you are here.',
    ),
  );
  return r;
}

/** Width and height of a PNG, from its IHDR chunk. */
function pngSize(path: string): { width: number; height: number } {
  const bytes = readFileSync(path);
  expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

describe('rendered evidence as screenshots', () => {
  it.skipIf(CHROMIUM.skip)(CHROMIUM.title('writes desktop and mobile PNGs of the base and the head into --out'), async () => {
    CHROMIUM.require();
    const r = changedTemplate();
    const out = join(r.root, 'artifact');
    const { doc } = await planJson([r.dir, '--base', 'HEAD', '--data', 'none', '--out', out], r.root, {
      ...QUIET_ENV,
      HERALD_CHROMIUM: DEFAULT_CHROMIUM,
    });
    const t = doc.templates.find((x) => x.name === 'welcome')!;
    expect(t.screenshots.map((s) => `${s.side}/${s.device}`).sort()).toEqual([
      'base/desktop',
      'base/mobile',
      'head/desktop',
      'head/mobile',
    ]);
    for (const s of t.screenshots) {
      const size = pngSize(join(out, s.path));
      expect(size.width).toBe(DEVICES.find((d) => d.device === s.device)!.width);
      expect(size.height).toBeGreaterThan(100);
    }
    // The head has a button the base has not: the two pictures differ.
    const [base, head] = ['base', 'head'].map((side) =>
      readFileSync(join(out, t.screenshots.find((s) => s.side === side && s.device === 'mobile')!.path)),
    );
    expect(base!.equals(head!)).toBe(false);
    expect(doc.notes.map((n) => n.code)).not.toContain('HL450');
    expect(readFileSync(join(out, 'plan.md'), 'utf8')).toContain('screenshots/welcome.head.mobile.png');
  });

  it('without a browser the plan goes on and says why there are no screenshots', async () => {
    const r = changedTemplate();
    const { doc } = await planJson([r.dir, '--base', 'HEAD', '--data', 'none', '--out', join(r.root, 'artifact')], r.root);
    expect(doc.templates[0]!.screenshots).toEqual([]);
    expect(doc.templates[0]!.samples[0]!.html_changed).toBe(true);
    const note = doc.notes.find((n) => n.code === 'HL450')!;
    expect(note.message).toBe('no screenshots: no browser at /nonexistent/chromium (install chromium, or set HERALD_CHROMIUM)');
  });
});
