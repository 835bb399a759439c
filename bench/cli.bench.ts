/**
 * Whole-process start-up of the `herald` command as shipped (bin/herald.js running the compiled
 * dist/, built first if missing), against a bare `node -e 0` measured turn about in the same run,
 * so machine load hits both alike. Cases: `herald --version`; `herald validate` on the quickstart
 * example (12 definitions); `herald validate` on the flagship campaigns workspace.
 * Targets (ratios of medians to `node -e 0`): --version <= 3x, validate quickstart <= 6x,
 * validate campaigns <= 10x.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchSuite } from './types.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const HERALD = join(ROOT, 'bin', 'herald.js');

const NODE = 'node -e 0';
const VERSION = 'herald --version';
const QUICKSTART = 'herald validate examples/quickstart';
const CAMPAIGNS = 'herald validate campaigns';

/** Runs a process to its end; a failure stops the benchmark rather than timing an error path. */
function run(args: string[]): void {
  const r = spawnSync(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited ${r.status}: ${String(r.stderr).slice(0, 500)}`);
}

const ratio = (m: Record<string, number>, name: string) => m[name]! / m[NODE]!;
const target = (name: string, most: number) => ({
  description: `${name} takes at most ${most}x a bare node start`,
  check: (m: Record<string, number>) => ratio(m, name) <= most,
  detail: (m: Record<string, number>) => `${ratio(m, name).toFixed(2)}x`,
});

const suite: BenchSuite = {
  name: 'cli',
  runs: 9,
  warmup: 1,
  before() {
    if (!existsSync(join(ROOT, 'dist', 'cli', 'bin.js')))
      execFileSync(process.execPath, [join(ROOT, 'scripts', 'build.js')], { cwd: ROOT, stdio: 'inherit' });
  },
  cases: [
    { name: NODE, baseline: true, group: 'start', run: () => run(['-e', '0']) },
    { name: VERSION, group: 'start', run: () => run([HERALD, '--version']) },
    { name: QUICKSTART, group: 'start', run: () => run([HERALD, 'validate', 'examples/quickstart']) },
    { name: CAMPAIGNS, group: 'start', run: () => run([HERALD, 'validate', 'campaigns']) },
  ],
  targets: [target(VERSION, 3), target(QUICKSTART, 6), target(CAMPAIGNS, 10)],
};

export default suite;
