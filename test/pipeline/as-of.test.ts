import { expect, it } from 'vitest';
import { runCli } from './run-cli.ts';
import { flagshipSubset } from './support/flagship-subset.ts';
import { forEachDialect } from '../support/postgres.ts';

/**
 * The main job with `--as-of` before the database's timeline (after a plain run), then a plain run
 * again: both work, the time-travelling one on a scratch copy (SQLite) or a rolled-back session
 * (PostgreSQL), and the plain run afterwards finds the timeline exactly where the first left it.
 */
forEachDialect('herald pipeline --as-of after a plain run', (ctx) => {
  const dir = flagshipSubset(2, { fromEnd: true, browsing: ['2011-12'] });
  const skip = ['--skip', 'models', '--skip', 'journeys'];

  it('looks at the past without rewriting the timeline', async () => {
    const db = await ctx.freshUrl();
    const first = await runCli(['pipeline', dir, '--db', db, ...skip], dir, { CI: 'true' });
    expect(first.code, first.stdout + first.stderr).toBe(0);
    const asOf = /as of (\S+) \(the end of the loaded data/.exec(first.stdout)![1]!;
    const members = /^ {6}active_customers +(\d+) /m.exec(first.stdout)![1]!;

    const past = await runCli(['pipeline', dir, '--db', db, ...skip, '--as-of', '2011-11-01'], dir, { CI: 'true' });
    expect(past.code, past.stdout + past.stderr).toBe(0);
    expect(past.stdout).toContain(ctx.dialect === 'sqlite' ? '(a scratch copy for --as-of)' : '(a rolled-back session for --as-of)');
    expect(past.stdout).toContain('as of 2011-11-01T00:00:00.000Z');
    // As of before any loaded purchase: nobody is active, seen as a first run on the rewound copy.
    expect(past.stdout).toMatch(/^ {6}active_customers +0 +0 +0 +first run$/m);

    const again = await runCli(['pipeline', dir, '--db', db, ...skip], dir, { CI: 'true' });
    expect(again.code, again.stdout + again.stderr).toBe(0);
    // The same members, nobody entered or left, and the last run is still the first one's.
    expect(again.stdout).toMatch(new RegExp(`^ {6}active_customers +${members} +0 +0 +${asOf.replace(/\./g, '\\.')}$`, 'm'));
  }, 120_000);
});
