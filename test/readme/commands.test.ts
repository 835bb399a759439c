import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../pipeline/run-cli.ts';
import { flagshipSubset } from '../pipeline/support/flagship-subset.ts';
import { createPostgresDatabase } from '../support/postgres.ts';
import { readmeCommands, type ReadmeCommand } from './readme-commands.ts';

/**
 * Every command the README shows, in the order a reader meets them, on a fresh copy of the
 * repository's workspaces: each must exit 0. The flagship workspace is a reduced copy (the last
 * days of the data, plus the days of the customer ids the README names), so the main job runs in
 * seconds rather than a minute. The few commands that cannot run here are listed below with the
 * reason, printed when the test runs; a command of a form this test does not know fails it, so a
 * new README command is never silently left out.
 */
const REPO = resolve(import.meta.dirname, '..', '..');
const COMMANDS = readmeCommands(join(REPO, 'README.md'));

const MODELS_REASON =
  'training the flagship models needs the full data (a few days cannot meet their bars); test/pipeline/models-step.test.ts runs the step';

/** Commands that are not run, by their words, and why. */
function excluded(argv: readonly string[]): string | undefined {
  const [program, sub, third] = argv;
  if (program === 'npm' && sub === 'ci') return 'installs the dependencies: this test runs on the installed tree';
  if (program === 'npm' && sub === 'test') return 'the test suite itself';
  if (program === 'npm' && sub === 'run' && third === 'bench')
    return 'a benchmark: benchmarks run with `npm run bench`, apart from the tests';
  if (program === 'npm' && sub === 'run') return "one of CI's checks (typecheck, lint, format), which .ci/run runs beside the tests";
  if (program === 'export') return "sets a secret or a database URL in the reader's shell; the commands that need them are not run here";
  if (program === 'docker') return 'builds and starts a container image: Docker is not part of the test machine';
  if (program === 'curl' || program === 'sed' || program === 'cp' || program === 'ls') {
    return 'a step of the `herald serve` walkthrough around a server that runs until stopped: the serve tests send these requests to a real server';
  }
  const herald = heraldArgs(argv);
  if (!herald) return undefined;
  if (herald[0] === 'serve') return 'a server that runs until stopped: the serve tests start it and drive it over HTTP';
  if (herald[0] === 'dev') return 'a server that runs until stopped: test/dev starts it and drives it in Chromium';
  if (herald[0] === 'plan') return 'needs a git clone with an origin/main branch: test/plan runs plan on real repositories';
  if (herald[0] === 'train' || herald[0] === 'score') return MODELS_REASON;
  if (herald[0] === 'init' && !herald.includes('--name'))
    return 'the wizard asks on a terminal; the next README line, its non-interactive form, runs';
  return undefined;
}

/** The herald arguments of `npx herald …`, `node bin/herald.js …` or `npm start [-- …]`; undefined for other programs. */
function heraldArgs(argv: readonly string[]): string[] | undefined {
  if (argv[0] === 'npx' && argv[1] === 'herald') return argv.slice(2);
  if (argv[0] === 'node' && argv[1] === 'bin/herald.js') return argv.slice(2);
  if (argv[0] === 'npm' && argv[1] === 'start') {
    const rest = argv[2] === '--' ? argv.slice(3) : argv.slice(2);
    return ['pipeline', 'campaigns', ...rest];
  }
  return undefined;
}

/** The files of the Online Retail data on which a customer id appears. */
function daysOf(ids: string[]): string[] {
  const dir = join(REPO, 'campaigns', 'data', 'online-retail');
  return readdirSync(dir).filter(
    (f) => f.endsWith('.csv') && ids.some((id) => new RegExp(`,${id}(\\.0)?,`).test(readFileSync(join(dir, f), 'utf8'))),
  );
}

describe('every command of the README, in order, on a fresh copy', () => {
  const root = mkdtempSync(join(tmpdir(), 'herald-readme-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const customerIds = [
    ...new Set(COMMANDS.flatMap((c) => [...c.text.matchAll(/\b(?:explain|--customer|forget) (\d{5})\b/g)].map((m) => m[1]!))),
  ];
  let cwd = root;
  let postgres: Awaited<ReturnType<typeof createPostgresDatabase>> | undefined;
  afterAll(async () => postgres?.drop());

  it('finds the commands', () => {
    expect(COMMANDS.length).toBeGreaterThan(20);
    expect(customerIds.length).toBeGreaterThan(0);
    cpSync(join(REPO, 'examples'), join(root, 'examples'), { recursive: true });
    cpSync(flagshipSubset(2, { fromEnd: true, extraFiles: daysOf(customerIds), browsing: ['2011-12'] }), join(root, 'campaigns'), {
      recursive: true,
    });
  });

  for (const command of COMMANDS) {
    const reason = excluded(command.argv);
    const title = `README.md:${command.line} ${command.text}`;
    if (reason) {
      it(`${title} (not run)`, () => {
        console.log(`not run: ${command.text}\n  because: ${reason}`);
        expect(reason).not.toBe('');
      });
      continue;
    }
    it(
      title,
      async () => {
        await runReadmeCommand(command);
      },
      120_000,
    );
  }

  async function runReadmeCommand(command: ReadmeCommand): Promise<void> {
    if (command.argv[0] === 'cd') {
      cwd = resolve(cwd, command.argv[1]!);
      return;
    }
    let args = heraldArgs(command.argv);
    if (!args)
      throw new Error(
        `README.md:${command.line}: this test does not know how to run "${command.text}"; teach it (or exclude it with a reason)`,
      );
    if (args[0] === 'pipeline' && !args.includes('models')) {
      console.log(`${command.text}: run with --skip models (${MODELS_REASON})`);
      args = [...args, '--skip', 'models'];
    }
    const dbAt = args.indexOf('--db');
    if (dbAt >= 0 && args[dbAt + 1]!.startsWith('postgres://')) {
      postgres ??= await createPostgresDatabase();
      args = args.map((a, i) => (i === dbAt + 1 ? postgres!.url : a));
      // The simulated month is the slow part on PostgreSQL; test/journeys/simulate.test.ts covers it there.
      if (args[0] === 'pipeline') args.push('--skip', 'journeys');
    }
    const r = await runCli(args, cwd, { CI: 'true' });
    expect(r.stderr).not.toContain('internal error');
    expect(r.code, `${command.text}\n${r.stdout}\n${r.stderr}`).toBe(0);
  }
});
