import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../pipeline/run-cli.ts';
import { forEachDialect } from '../support/postgres.ts';
import { REPO, workspaceFrom } from './support.ts';

const CART = join(REPO, 'examples', 'cart-abandonment');

forEachDialect('herald run', (ctx) => {
  it('runs a workspace end to end in a dry run, and a second run of the window sends nothing', async () => {
    const dir = workspaceFrom(CART);
    const db = await ctx.freshUrl();
    expect((await runCli(['ingest', dir, '--db', db], dir)).code).toBe(0);
    const first = await runCli(['run', dir, '--db', db, '--from', '2026-01-05', '--until', '2026-01-12', '--dry-run'], dir);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('entered: cart_recovery 6');
    expect(first.stdout).toMatch(/journey cart_recovery +cart_reminder +5/);
    expect(first.stdout).toContain('delivery: 7 sent, 2 suppressed (no_consent 2), 0 delayed, 0 to retry, 0 failed');
    const files = readdirSync(join(dir, 'out')).filter((f) => !f.startsWith('.'));
    expect(files.filter((f) => f.endsWith('.eml'))).toHaveLength(7);
    expect(files.filter((f) => f.endsWith('.html'))).toHaveLength(7);
    const eml = readFileSync(
      join(
        dir,
        'out',
        files.find((f) => f.endsWith('.eml'))!,
      ),
      'utf8',
    );
    expect(eml).toMatch(/^Message-ID: <[0-9a-f]{32}@/m);
    // No personal data in what the command prints.
    expect(first.stdout).not.toMatch(/@example\.test|Ada|Bo\b/);

    const again = await runCli(['run', dir, '--db', db, '--until', '2026-01-12', '--dry-run', '--format', 'json'], dir);
    expect(again.code).toBe(0);
    const doc = JSON.parse(again.stdout);
    expect(doc).toMatchObject({
      version: 1,
      from: '2026-01-12T00:00:00.000Z',
      until: '2026-01-12T00:00:00.000Z',
      dry_run: true,
      entered: {},
      delivery: { sent: 0 },
    });

    const back = await runCli(['run', dir, '--db', db, '--until', '2026-01-10'], dir);
    expect(back.code).toBe(1);
    expect(back.stderr).toBe(
      'herald run: journeys in this database have already run up to 2026-01-12T00:00:00.000Z, after --until 2026-01-10T00:00:00.000Z; run with a later --until (or a fresh database) [HL512]\n',
    );
  });
});

describe('herald run problems', () => {
  it('are printed at the definition they concern (HL515: a campaign whose time had passed)', async () => {
    const dir = workspaceFrom(join(REPO, 'examples', 'ab-subject-test'));
    const r = await runCli(['run', dir, '--db', `sqlite:${join(dir, 'run.db')}`, '--from', '2026-02-10', '--until', '2026-02-11'], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('campaign spring_collection: missed (due 2026-02-02T20:00:00.000Z, before the clock reached it)');
    expect(r.stderr).toBe(
      "campaigns.yaml: warning[HL515]: campaign spring_collection was due at 2026-02-02T20:00:00.000Z, before this database's run clock reached it; it was not sent (rename it to send it now)\n",
    );
  });
});

describe('herald run usage', () => {
  it('explains a missing or malformed flag without a stack trace (exit 2)', async () => {
    const missing = await runCli(['run', CART], REPO);
    expect(missing).toMatchObject({ code: 2, stdout: '' });
    expect(missing.stderr).toContain('--until TIME is required, e.g. --until 2011-12-09 or --until now');
    const bad = await runCli(['run', CART, '--until', '2026-01-12', '--resolution', 'soon'], REPO);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--resolution "soon" is not a duration: write a whole number and a unit (s, m, h, d, w), e.g. 15m or 1d');
    const order = await runCli(['run', CART, '--from', '2026-02-01', '--until', '2026-01-12'], REPO);
    expect(order.code).toBe(2);
    expect(order.stderr).toContain('--from must not be after --until');
  });
});

describe('herald test', () => {
  it('prints pass/fail per test, and exits 1 with a diff and the line of a failing expectation', async () => {
    const ok = await runCli(['test', CART], REPO);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('  PASS  viewed_carted_did_not_buy_gets_offer  (journey cart_recovery,');
    expect(ok.stdout).toContain('tests: 6 passed, 0 failed, 6 total');

    const dir = workspaceFrom(CART);
    const tests = readFileSync(join(dir, 'tests.yaml'), 'utf8');
    writeFileSync(
      join(dir, 'tests.yaml'),
      tests.replace('template: cart_offer_ship, variant: free_shipping', 'template: cart_offer_10, variant: free_shipping'),
    );
    const failing = await runCli(['test', dir, '--filter', 'viewed'], dir);
    expect(failing.code).toBe(1);
    expect(failing.stdout).toContain('  FAIL  viewed_carted_did_not_buy_gets_offer');
    expect(failing.stdout).toContain('        tests.yaml:21:7  expect[2]\n');
    expect(failing.stdout).toContain(
      '        - a message sent to t1, template cart_offer_10, variant free_shipping, at 2026-01-07T11:00:00.000Z\n        + 0 matching\n',
    );
    expect(failing.stdout).toContain(
      '+   2026-01-07T11:00:00.000Z  t1  cart_offer_ship  sent  [journey cart_recovery, step send_ship, variant free_shipping]',
    );

    const json = JSON.parse((await runCli(['test', dir, '--filter', 'viewed', '--format', 'json'], dir)).stdout);
    expect(json.summary).toEqual({ total: 1, passed: 0, failed: 1 });
    expect(json.tests[0]).toMatchObject({
      name: 'viewed_carted_did_not_buy_gets_offer',
      file: 'tests.yaml',
      status: 'failed',
      failures: [{ index: 2, file: 'tests.yaml', line: 21, column: 7 }],
    });
    expect(json.tests[0].messages.map((m: { template: string }) => m.template)).toEqual(['cart_reminder', 'cart_offer_ship']);

    const junit = (await runCli(['test', dir, '--format', 'junit'], dir)).stdout;
    expect(junit).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="herald test" tests="6" failures="1"/);
    expect(junit).toContain('<failure message="tests.yaml:21:7 expect[2]">');
  });

  it('exits 1 without running anything when the workspace has errors', async () => {
    const dir = workspaceFrom(CART);
    writeFileSync(
      join(dir, 'tests.yaml'),
      readFileSync(join(dir, 'tests.yaml'), 'utf8').replace('journey: cart_recovery', 'journey: cart_recvery'),
    );
    const r = await runCli(['test', dir], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      'tests.yaml:11:12: error[HL302]: unknown Journey "cart_recvery" referenced by test viewed_carted_did_not_buy_gets_offer',
    );
    expect(r.stderr).toContain('help: did you mean "cart_recovery"?');
    expect(r.stdout).toBe('');
  });
});
