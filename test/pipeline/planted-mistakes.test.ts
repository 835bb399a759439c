import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.ts';

/**
 * A workspace with ten planted mistakes across every phase (YAML syntax, tabs, duplicate key,
 * unknown apiVersion, unknown kind, misspelt key, wrong type, duplicate name, missing reference,
 * cycle): one run reports all ten, each at its file:line:col, in every output format, and nothing
 * else (no cascade).
 */
const FIXTURE = join(import.meta.dirname, '..', 'fixtures', 'pipeline', 'planted-mistakes');
const INPUT = join(FIXTURE, 'input');
const expected = (
  JSON.parse(readFileSync(join(FIXTURE, 'expected.json'), 'utf8')) as {
    diagnostics: Array<{ code: string; file: string; line: number; column: number }>;
  }
).diagnostics;

const key = (d: { code: string; file: string; line: number; column: number }) => `${d.code} ${d.file}:${d.line}:${d.column}`;
const wanted = expected.map(key).sort();

describe('planted mistakes', () => {
  it('has ten different mistakes', () => {
    expect(new Set(expected.map((d) => d.code)).size).toBe(10);
  });

  it('json: reports exactly the ten, with positions', async () => {
    const run = await runCli(['validate', '.', '--format', 'json'], INPUT);
    expect(run.code).toBe(1);
    const doc = JSON.parse(run.stdout) as {
      diagnostics: Array<{ code: string; severity: string; file: string; range: { start: { line: number; column: number } } }>;
    };
    const errors = doc.diagnostics.filter((d) => d.severity === 'error');
    expect(errors.map((d) => key({ code: d.code, file: d.file, line: d.range.start.line, column: d.range.start.column })).sort()).toEqual(
      wanted,
    );
  });

  it('pretty: every mistake has its code and a --> file:line:col line', async () => {
    const run = await runCli(['validate', '.', '--format', 'pretty'], INPUT);
    expect(run.code).toBe(1);
    const found: string[] = [];
    const lines = run.stdout.split('\n');
    lines.forEach((line, i) => {
      const head = /^error\[(HL\d+)\]/.exec(line);
      if (!head) return;
      const at = /-->\s+(\S+):(\d+):(\d+)/.exec(lines[i + 1] ?? '');
      expect(at, `location line after ${line}`).not.toBeNull();
      found.push(key({ code: head[1]!, file: at![1]!, line: Number(at![2]), column: Number(at![3]) }));
    });
    expect(found.sort()).toEqual(wanted);
    expect(run.stdout).toContain('10 errors');
  });

  it('github: one ::error annotation per mistake with file, line and col', async () => {
    const run = await runCli(['validate', '.', '--format', 'github'], INPUT);
    expect(run.code).toBe(1);
    const found = [...run.stdout.matchAll(/^::error file=([^,]+),line=(\d+),col=(\d+),[^\n]*title=(HL\d+)::/gm)].map((m) =>
      key({ code: m[4]!, file: m[1]!, line: Number(m[2]), column: Number(m[3]) }),
    );
    expect(found.sort()).toEqual(wanted);
  });

  it('sarif: one result per mistake with its physical location', async () => {
    const run = await runCli(['validate', '.', '--format', 'sarif'], INPUT);
    expect(run.code).toBe(1);
    const sarif = JSON.parse(run.stdout) as {
      version: string;
      runs: Array<{
        results: Array<{
          ruleId: string;
          level: string;
          locations: Array<{ physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number; startColumn: number } } }>;
        }>;
      }>;
    };
    expect(sarif.version).toBe('2.1.0');
    const found = sarif.runs[0]!.results.filter((r) => r.level === 'error').map((r) => {
      const loc = r.locations[0]!.physicalLocation;
      return key({ code: r.ruleId, file: loc.artifactLocation.uri, line: loc.region.startLine, column: loc.region.startColumn });
    });
    expect(found.sort()).toEqual(wanted);
  });
});
