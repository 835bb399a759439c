/**
 * The compiler's speed on generated workspaces of 1,000 and 10,000 definitions: validate
 * (load + validate + analyze) and compile (+ emit). Baseline: parsing the same 1,000-definition
 * workspace's YAML files and nothing else, the floor any compile stands on.
 * Targets: compiling 1,000 definitions under 2 s; 10,000 at most 12x the 1,000 time (linear).
 */
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { discoverYamlFiles } from '../compiler/1-load/discover.ts';
import { runPipeline } from '../compiler/index.ts';
import { generateWorkspace } from './generate-workspace.ts';
import type { BenchSuite } from './types.ts';

const root = join(tmpdir(), `herald-bench-compiler-${process.pid}`);
const small = join(root, 'defs_1000');
const large = join(root, 'defs_10000');

function compile(dir: string, emit: boolean): void {
  const result = runPipeline(dir, { emit });
  const errors = result.diagnostics.filter((d) => d.severity === 'error');
  // Timing a workspace full of errors would measure the wrong thing: say so loudly.
  if (errors.length > 0) {
    const first = errors[0]!;
    throw new Error(
      `generated workspace has ${errors.length} errors; first: ${first.file}:${first.range?.start.line ?? 0} ${first.code} ${first.message}`,
    );
  }
}

function parseOnly(dir: string): void {
  for (const file of discoverYamlFiles(dir)) parseAllDocuments(readFileSync(join(dir, file), 'utf8'));
}

const suite: BenchSuite = {
  name: 'compiler',
  runs: 5,
  warmup: 1,
  before() {
    generateWorkspace(small, { definitions: 1_000 });
    generateWorkspace(large, { definitions: 10_000 });
  },
  after() {
    rmSync(root, { recursive: true, force: true });
  },
  cases: [
    { name: 'parse yaml 1k', baseline: true, units: 1_000, unitName: 'defs', run: () => parseOnly(small) },
    // Each size pair is measured turn about, so the 10k/1k ratio is not skewed by load changing.
    { name: 'validate 1k', group: 'validate', units: 1_000, unitName: 'defs', run: () => compile(small, false) },
    { name: 'validate 10k', group: 'validate', units: 10_000, unitName: 'defs', run: () => compile(large, false) },
    { name: 'compile 1k', group: 'compile', units: 1_000, unitName: 'defs', run: () => compile(small, true) },
    { name: 'compile 10k', group: 'compile', units: 10_000, unitName: 'defs', run: () => compile(large, true) },
  ],
  targets: [
    {
      description: 'compile 1,000 definitions in under 2 s',
      check: (m) => m['compile 1k']! < 2_000,
      detail: (m) => `${Math.round(m['compile 1k']!)} ms`,
    },
    {
      description: 'compile 10,000 definitions in at most 12x the 1,000 time',
      check: (m) => m['compile 10k']! <= 12 * m['compile 1k']!,
      detail: (m) => `${(m['compile 10k']! / m['compile 1k']!).toFixed(2)}x`,
    },
    {
      description: 'validate 1,000 definitions in under 2 s',
      check: (m) => m['validate 1k']! < 2_000,
      detail: (m) => `${Math.round(m['validate 1k']!)} ms`,
    },
    {
      description: 'validate 10,000 definitions in at most 12x the 1,000 time',
      check: (m) => m['validate 10k']! <= 12 * m['validate 1k']!,
      detail: (m) => `${(m['validate 10k']! / m['validate 1k']!).toFixed(2)}x`,
    },
  ],
};

export default suite;
