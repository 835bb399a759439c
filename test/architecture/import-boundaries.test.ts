import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { areaOf, boundaryViolation } from '../../lint/import-boundaries.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
    const path = posix.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(path));
    else if (/\.(ts|mts|js|mjs)$/.test(entry.name)) out.push(path);
  }
  return out;
}

/** Every relative module specifier in a file: static imports, re-exports and dynamic imports. */
function importsOf(text: string): string[] {
  const specs: string[] = [];
  for (const m of text.matchAll(/(?:^|[\s;])(?:import|export)\s[^'";]*?\sfrom\s*['"](\.[^'"]+)['"]/gm)) specs.push(m[1]!);
  for (const m of text.matchAll(/\bimport\s*\(\s*['"](\.[^'"]+)['"]\s*\)/g)) specs.push(m[1]!);
  for (const m of text.matchAll(/^import\s+['"](\.[^'"]+)['"]/gm)) specs.push(m[1]!);
  return specs;
}

function edges(folders: string[]): Array<{ from: string; to: string }> {
  const out: Array<{ from: string; to: string }> = [];
  for (const file of folders.flatMap(sourceFiles)) {
    for (const spec of importsOf(readFileSync(join(ROOT, file), 'utf8'))) {
      out.push({ from: file, to: posix.normalize(posix.join(posix.dirname(file), spec)) });
    }
  }
  return out;
}

describe('import boundaries', () => {
  const all = edges(['compiler', 'runtime', 'cli']);

  it('finds the imports it judges (the scan is not empty)', () => {
    expect(all.length).toBeGreaterThan(1000);
    expect(all.some((e) => e.from.startsWith('runtime/') && e.to.startsWith('compiler/contract/'))).toBe(true);
  });

  it('compiler phases import only lower phases and the contract; the runtime only the contract; nothing imports the CLI', () => {
    const broken = all
      .map((e) => ({ ...e, why: boundaryViolation(e.from, e.to) }))
      .filter((e) => e.why !== undefined)
      .map((e) => `${e.from} -> ${e.to}: ${e.why}`);
    expect(broken).toEqual([]);
  });

  it('the contract stands alone: it imports nothing of Herald outside itself', () => {
    const outside = all.filter((e) => e.from.startsWith('compiler/contract/') && !e.to.startsWith('compiler/contract/'));
    expect(outside).toEqual([]);
  });

  it('no two compiler folders import each other (no cycle between folders)', () => {
    const pairs = new Set(all.map((e) => `${areaOf(e.from)} ${areaOf(e.to)}`));
    const cycles = [...pairs].filter((p) => {
      const [a, b] = p.split(' ');
      return a !== b && a!.startsWith('compiler') && pairs.has(`${b} ${a}`);
    });
    expect(cycles).toEqual([]);
  });

  it('judges a breaking import as broken (the rule is not vacuous)', () => {
    expect(boundaryViolation('runtime/render/stream.ts', 'compiler/3-analyze/templates/index.ts')).toMatch(
      /only through compiler\/contract/,
    );
    expect(boundaryViolation('compiler/1-load/index.ts', 'compiler/3-analyze/context.ts')).toMatch(/lower layers/);
    expect(boundaryViolation('compiler/4-emit/kinds/source.ts', 'runtime/ingest/index.ts')).toMatch(/never imports the runtime/);
    expect(boundaryViolation('runtime/serve/index.ts', 'cli/main.ts')).toMatch(/imports the CLI/);
    expect(boundaryViolation('compiler/4-emit/index.ts', 'compiler/3-analyze/index.ts')).toBeUndefined();
  });
});
