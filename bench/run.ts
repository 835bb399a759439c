/**
 * The benchmark runner: `npm run bench [suite names or file names...] [--runs N] [--check]`.
 * Discovers bench/*.bench.ts, runs each suite's cases (warmup, then N measured runs with untimed
 * setup/teardown), and prints per case the median, min, max, the ratio to the suite's baseline case
 * measured in the same run, and throughput when the case gives `units`. Targets are printed as
 * pass/fail lines; `--check` makes a failed target exit with code 1. Results are written to
 * bench/results/<suite>.json (git-ignored).
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { formatTable, measureSuite, type SuiteResult } from './measure.ts';
import type { BenchSuite } from './types.ts';

const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
const RESULTS_DIR = join(BENCH_DIR, 'results');

/**
 * Suites that run with another when it is named: `npm run bench -- serve` measures all of
 * `herald serve`, so it also runs the recipient suite (token verification and click redirects
 * over HTTP), which lives in its own file with its own server process.
 */
const RUNS_WITH: ReadonlyMap<string, readonly string[]> = new Map([['serve', ['recipient']]]);

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    args: process.argv.slice(2),
    options: { runs: { type: 'string' }, check: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    allowPositionals: true,
  });
  if (values.help) {
    process.stdout.write('usage: npm run bench -- [suite...] [--runs N] [--check]\n');
    return 0;
  }
  const runsOverride = values.runs !== undefined ? Number(values.runs) : undefined;
  if (runsOverride !== undefined && (!Number.isInteger(runsOverride) || runsOverride < 1)) {
    process.stderr.write(`--runs must be a positive whole number (got "${values.runs}")\n`);
    return 2;
  }
  // A suite named here also runs the suites listed with it (see RUNS_WITH).
  positionals.push(...positionals.flatMap((p) => RUNS_WITH.get(p) ?? []).filter((p) => !positionals.includes(p)));
  const all = readdirSync(BENCH_DIR)
    .filter((f) => f.endsWith('.bench.ts'))
    .sort();
  // `npm run bench compiler` names the file: import only the files named, not every suite's
  // dependencies. A name that is no file's is a suite name, which needs every file imported.
  const byFile = all.filter((f) => positionals.some((p) => p === f || `${p}.bench.ts` === f));
  const files = positionals.length > 0 && byFile.length === positionals.length ? byFile : all;
  const wanted = (file: string, suite: BenchSuite) =>
    positionals.length === 0 || positionals.some((p) => p === suite.name || p === file || `${p}.bench.ts` === file);

  let failed = 0;
  let ran = 0;
  for (const file of files) {
    const mod = (await import(pathToFileURL(join(BENCH_DIR, file)).href)) as { default?: BenchSuite };
    const suite = mod.default;
    if (!suite || !Array.isArray(suite.cases)) {
      process.stderr.write(`${file}: no default-exported BenchSuite; skipped\n`);
      continue;
    }
    if (!wanted(file, suite)) continue;
    ran++;
    process.stdout.write(`\n${suite.name} (${file})\n`);
    const result = await measureSuite(suite, { runs: runsOverride, onCase: (name) => process.stderr.write(`  running ${name}…\n`) });
    process.stdout.write(`${formatTable(result)}\n`);
    for (const t of result.targets)
      process.stdout.write(`  ${t.passed ? 'PASS' : 'FAIL'}  ${t.description}${t.detail ? ` (${t.detail})` : ''}\n`);
    failed += result.targets.filter((t) => !t.passed).length;
    writeResult(result);
  }
  if (ran === 0) {
    process.stderr.write(`no benchmark suite matched ${positionals.join(', ')}\n`);
    return 2;
  }
  return values.check && failed > 0 ? 1 : 0;
}

function writeResult(result: SuiteResult): void {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const path = join(RESULTS_DIR, `${result.suite.replace(/[^A-Za-z0-9._-]/g, '_')}.json`);
  writeFileSync(path, `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(`  results: ${path}\n`);
}

// Exit explicitly: a suite may leave handles open (worker threads, database pools), and an imported
// module must not be able to change the outcome.
process.exit(await main());
