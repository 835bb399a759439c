import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.ts';
import { flagshipSubset } from './support/flagship-subset.ts';
import { forEachDialect } from '../support/postgres.ts';
import { PIPELINE_STEPS } from '../../cli/pipeline/steps/index.ts';

/**
 * The main job (`herald pipeline`, what `npm start` runs) on the flagship workspace over a few
 * days of the real data: every step, what it prints, that it prints no personal data, and that a
 * second run reuses what the first loaded and prints the same counts. On both databases.
 * (Training is left out here, with --skip models: a few days are too little to meet the models'
 * bars; test/pipeline/models-step.test.ts runs that step on a model that fits a small workspace.)
 */
const DAYS = 6;

/** First names and email addresses of everyone the subset's preview data and enrichment name. */
function personalValues(dir: string): string[] {
  const sample = parse(readFileSync(join(dir, 'data', 'samples', 'templates.yaml'), 'utf8')) as {
    customers: Array<Record<string, unknown>>;
  };
  return sample.customers.flatMap((c) => [c.email, c.first_name]).filter((v): v is string => typeof v === 'string' && v.length > 2);
}

forEachDialect('herald pipeline on the flagship workspace', (ctx) => {
  const dir = flagshipSubset(DAYS);

  it('runs every step, masks personal data, and a second run reuses what is loaded', async () => {
    const db = await ctx.freshUrl();
    const out = join(dir, 'out');
    // The simulated month runs on SQLite here; on PostgreSQL it is test/journeys/simulate.test.ts's.
    const journeys = ctx.dialect === 'sqlite';
    const first = await runCli(
      ['pipeline', dir, '--db', db, '--out', out, '--skip', 'models', ...(journeys ? [] : ['--skip', 'journeys'])],
      dir,
      { CI: 'true' },
    );
    expect(first.stderr).not.toContain('internal error');
    expect(first.code, first.stdout + first.stderr).toBe(0);
    const ran = PIPELINE_STEPS.filter((s) => s.name !== 'models' && (journeys || s.name !== 'journeys'));
    ran.forEach((s, i) => expect(first.stdout).toContain(`[${i + 1}/${ran.length}] ${s.name}\n`));
    expect(first.stdout).toMatch(/\d+ definitions \(3 sources, 3 traits, \d+ segments, \d+ models, 8 templates/);
    expect(first.stdout).toMatch(new RegExp(`files: ${DAYS + 2} loaded, 0 reloaded \\(changed\\), 0 skipped \\(unchanged\\)`));
    const totals = /database holds ([\d,]+) customers, ([\d,]+) events/.exec(first.stdout);
    expect(totals, first.stdout).not.toBeNull();
    // The end of the loaded data (here the last generated browsing event of December 2010).
    const asOf = /as of (\d{4}-\d{2}-\d{2}T00:00:00\.000Z) \(the end of the loaded data/.exec(first.stdout)?.[1];
    expect(asOf).toBe('2010-12-27T00:00:00.000Z');
    expect(first.stdout).toMatch(/^ {6}active_customers +\d+ +\+?\d+ +0 +first run$/m);
    // Three sample emails per template, written through the dry-run path, printed masked.
    const files = readdirSync(join(out, 'samples'));
    expect(files.filter((f) => f.endsWith('.eml'))).toHaveLength(8 * 3);
    for (const f of files.filter((f) => f.endsWith('.html')))
      expect(existsSync(join(out, 'samples', f.replace(/\.html$/, '.txt')))).toBe(true);
    expect(first.stdout).toMatch(/^ {6}cart_reminder +\d{2}…[0-9a-f]{6} +"\[first_name\], your/m);
    expect(first.stdout).toContain('24 emails (.html, .txt, .eml) written to');
    for (const value of personalValues(dir)) {
      expect(first.stdout, value).not.toContain(value);
      expect(first.stderr, value).not.toContain(value);
    }
    // The emails themselves are personal: they use the real name.
    const someEmail = readFileSync(
      join(
        out,
        'samples',
        files.find((f) => f.startsWith('welcome.') && f.endsWith('.txt'))!,
      ),
      'utf8',
    );
    expect(someEmail).toMatch(/^Welcome, \S.*!$/m);
    expect(someEmail).not.toContain('[first_name]');
    // Sample emails carry the sender a dry run would: the template's own, else the workspace's.
    expect(
      readFileSync(
        join(
          out,
          'samples',
          files.find((f) => f.endsWith('.eml'))!,
        ),
        'utf8',
      ),
    ).toMatch(/^From: The Gift Loft <hello@shop\.example>\r$/m);
    // The simulated month of journeys and campaigns, through the real gates.
    if (journeys) {
      expect(first.stdout).toMatch(
        /^ {6}simulated \d{4}-\d{2}-\d{2} to \d{4}-\d{2}-\d{2} \(dry run: nothing sent, the database unchanged\)$/m,
      );
      const sends = /^ {6}would send ([\d,]+) emails?:$/m.exec(first.stdout)?.[1];
      expect(Number(sends?.replace(/,/g, '')), first.stdout).toBeGreaterThan(0);
    }
    // Quiet without a terminal: no redrawn progress lines.
    expect(first.stderr).not.toContain('\r');
    const firstFiles = new Map(files.map((f) => [f, readFileSync(join(out, 'samples', f))]));

    // (The simulated month is left out of the second run: it never depends on what was loaded before.)
    const second = await runCli(['pipeline', dir, '--db', db, '--out', out, '--skip', 'models', '--skip', 'journeys'], dir, { CI: 'true' });
    expect(second.code, second.stdout + second.stderr).toBe(0);
    expect(second.stdout).toMatch(new RegExp(`files: 0 loaded, 0 reloaded \\(changed\\), ${DAYS + 2} skipped \\(unchanged\\)`));
    expect(second.stdout).toContain(totals![0]);
    expect(second.stdout).toMatch(new RegExp(`^ {6}active_customers +\\d+ +0 +0 +${asOf!.replace(/\./g, '\\.')}$`, 'm'));
    // The same emails, byte for byte (fixed dates and MIME boundaries).
    expect(readdirSync(join(out, 'samples')).sort()).toEqual([...firstFiles.keys()].sort());
    for (const [f, bytes] of firstFiles) expect(readFileSync(join(out, 'samples', f)).equals(bytes), f).toBe(true);
  });
});

describe('herald pipeline', () => {
  it('shows progress on a terminal, and only there', async () => {
    const dir = flagshipSubset(1);
    const { Writable } = await import('node:stream');
    let err = '';
    const tty = Object.assign(new Writable({ write: (c, _e, done) => ((err += String(c)), done()) }), { isTTY: true, columns: 120 });
    const { main } = await import('../../cli/main.ts');
    const code = await main(
      [
        'pipeline',
        dir,
        '--db',
        `sqlite:${join(dir, 'tty.db')}`,
        '--out',
        join(dir, 'out'),
        '--skip',
        'models',
        '--skip',
        'render',
        '--skip',
        'journeys',
      ],
      {
        stdout: new Writable({ write: (_c, _e, done) => done() }),
        stderr: tty,
        cwd: dir,
        env: {},
      },
    );
    expect(code).toBe(0);
    expect(err).toMatch(/\r\x1b\[Kingest online_retail data\/online-retail\/2010-12-01\.csv/);
  });

  it('stops after compile when the workspace has errors, and says why', async () => {
    const dir = flagshipSubset(1);
    const { writeFileSync } = await import('node:fs');
    writeFileSync(
      join(dir, 'segments', 'broken.yaml'),
      'apiVersion: herald/v1\nkind: Segment\nmetadata: { name: broken }\nspec:\n  where: rfm.monetry >= 4\n',
    );
    const r = await runCli(['pipeline', dir, '--db', `sqlite:${join(dir, 'x.db')}`], dir, { CI: 'true' });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/segments\/broken\.yaml:5:\d+: error\[HL\d+\]/);
    expect(r.stdout).toContain('nothing else runs until they are fixed');
    expect(r.stdout).not.toContain('[2/');
  });

  it('refuses an unknown step with a suggestion', async () => {
    const r = await runCli(['pipeline', '.', '--skip', 'segment'], process.cwd(), {});
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--skip segment: no such step; did you mean "segments"?');
  });
});
