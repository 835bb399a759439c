import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { load, type LoadResult } from '../compiler/1-load/index.ts';
import { validate } from '../compiler/2-validate/index.ts';
import { generateWorkspace } from './generate-workspace.ts';
import type { BenchSuite } from './types.ts';

/**
 * Phase 2 cost: JSON Schema validation of every document, mapped to YAML positions. Baseline: the
 * YAML parse of the same files (what phase 1 must pay anyway), so the ratio says what schema
 * checking adds. A second workspace has a misspelt key in one segment out of ten, to time the
 * error path (combinator collapse, positions, suggestions). Targets: 1,000 definitions validated
 * in under 100 ms, and 10,000 in at most 12 times that (linear).
 */
const SIZES = [1000, 10000] as const;
let root = '';
const texts = new Map<number, string[]>();
const loaded = new Map<string, LoadResult>();
let sink = 0;

function yamlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...yamlFiles(path));
    else if (name.endsWith('.yaml')) out.push(path);
  }
  return out.sort();
}

const suite: BenchSuite = {
  name: 'validate',
  runs: 7,
  warmup: 1,
  before() {
    root = mkdtempSync(join(tmpdir(), 'herald-bench-validate-'));
    for (const size of SIZES) {
      const dir = join(root, `ws${size}`);
      generateWorkspace(dir, { definitions: size });
      texts.set(
        size,
        yamlFiles(dir).map((f) => readFileSync(f, 'utf8')),
      );
      loaded.set(`${size}`, load(dir));
    }
    // One segment in ten with a misspelt key.
    const bad = join(root, 'bad1000');
    generateWorkspace(bad, { definitions: 1000 });
    let n = 0;
    for (const file of yamlFiles(bad)) {
      const text = readFileSync(file, 'utf8').replace(/^ {2}where:/gm, (m) => (n++ % 10 === 0 ? '  whre:' : m));
      writeFileSync(file, text);
    }
    loaded.set('bad1000', load(bad));
  },
  after() {
    rmSync(root, { recursive: true, force: true });
  },
  cases: [
    {
      name: 'YAML parse, 1,000 definitions',
      baseline: true,
      units: 1000,
      unitName: 'definitions',
      run: () => {
        for (const text of texts.get(1000)!) sink += parseAllDocuments(text).length;
      },
    },
    {
      name: 'validate 1,000 definitions',
      units: 1000,
      unitName: 'definitions',
      run: () => {
        sink += validate(loaded.get('1000')!).definitions.length;
      },
    },
    {
      name: 'validate 10,000 definitions',
      units: 10000,
      unitName: 'definitions',
      run: () => {
        sink += validate(loaded.get('10000')!).definitions.length;
      },
    },
    {
      name: 'validate 1,000 definitions, 10% misspelt',
      units: 1000,
      unitName: 'definitions',
      run: () => {
        sink += validate(loaded.get('bad1000')!).diagnostics.length;
      },
    },
  ],
  targets: [
    { description: 'validate 1,000 definitions in under 100 ms', check: (m) => (m['validate 1,000 definitions'] ?? Infinity) < 100 },
    {
      description: 'validate 10,000 definitions in at most 12x the 1,000 time',
      check: (m) => (m['validate 10,000 definitions'] ?? Infinity) <= 12 * (m['validate 1,000 definitions'] ?? 0),
    },
  ],
};

export default suite;
