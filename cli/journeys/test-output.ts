/** `herald test` output: a test-runner listing, a JSON document, or JUnit XML. */
import type { CliIO } from '../command.ts';
import type { TestResult } from '../../runtime/journeys/tests/run-test.ts';
import { describeRecord } from '../../runtime/journeys/tests/expectations.ts';
import { problemLine } from './run-output.ts';

export interface Location {
  file: string;
  line: number;
  column: number;
}

export interface LocatedResult {
  result: TestResult;
  file: string;
  /** Where the Test document is (its name). */
  where: Location;
  /** Where an expectation is, by its index. */
  failureAt(index: number): Location;
}

/** The JSON document's version: bump on a breaking change to its shape. */
export const TEST_JSON_VERSION = 1;

const at = (l: Location) => `${l.file}:${l.line}:${l.column}`;

export function printTestResults(io: CliIO, results: readonly LocatedResult[], filter?: string): void {
  const w = (line: string) => io.stdout.write(`${line}\n`);
  if (results.length === 0) {
    w(filter === undefined ? 'no Test documents in this workspace' : `no test name contains "${filter}"`);
    return;
  }
  let file = '';
  for (const { result: r, file: f, failureAt } of results) {
    if (f !== file) w(`${(file = f)}`);
    const target = `${r.target.kind} ${r.target.name}`;
    w(`  ${r.passed ? 'PASS' : 'FAIL'}  ${r.name}  (${target}, ${r.durationMs} ms)`);
    for (const failure of r.failures) {
      w(`        ${at(failureAt(failure.index))}  expect[${failure.index}]`);
      for (const line of failure.message.split('\n')) w(`        ${line}`);
    }
    for (const p of r.problems) w(`        ${problemLine(p)}`);
  }
  const failed = results.filter((r) => !r.result.passed).length;
  w('');
  w(`tests: ${results.length - failed} passed, ${failed} failed, ${results.length} total`);
}

export function testJson(results: readonly LocatedResult[]) {
  const failed = results.filter((r) => !r.result.passed).length;
  return {
    version: TEST_JSON_VERSION,
    summary: { total: results.length, passed: results.length - failed, failed },
    tests: results.map(({ result: r, where, failureAt }) => ({
      name: r.name,
      ...where,
      target: r.target,
      status: r.passed ? 'passed' : 'failed',
      start: new Date(r.start).toISOString(),
      until: new Date(r.until).toISOString(),
      duration_ms: r.durationMs,
      failures: r.failures.map((f) => ({ index: f.index, ...failureAt(f.index), message: f.message })),
      messages: r.records.map((m) => ({
        customer: m.customerId,
        template: m.template,
        status: m.status,
        reason: m.reason ?? null,
        at: new Date(m.status === 'sent' ? (m.sentAt ?? m.dueAt) : m.dueAt).toISOString(),
        origin: m.origin,
      })),
      problems: r.problems,
    })),
  };
}

export function testJunit(results: readonly LocatedResult[]): string {
  const failed = results.filter((r) => !r.result.passed).length;
  const seconds = (ms: number) => (ms / 1000).toFixed(3);
  const total = results.reduce((a, r) => a + r.result.durationMs, 0);
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="herald test" tests="${results.length}" failures="${failed}" time="${seconds(total)}">`,
  ];
  const byFile = new Map<string, LocatedResult[]>();
  for (const r of results) byFile.set(r.file, [...(byFile.get(r.file) ?? []), r]);
  for (const [file, list] of byFile) {
    const f = list.filter((r) => !r.result.passed).length;
    lines.push(
      `  <testsuite name="${xml(file)}" tests="${list.length}" failures="${f}" time="${seconds(list.reduce((a, r) => a + r.result.durationMs, 0))}">`,
    );
    for (const { result: r, where, failureAt } of list) {
      lines.push(
        `    <testcase name="${xml(r.name)}" classname="${xml(`${r.target.kind}.${r.target.name}`)}" file="${xml(where.file)}" line="${where.line}" time="${seconds(r.durationMs)}">`,
      );
      for (const failure of r.failures) {
        const l = failureAt(failure.index);
        lines.push(`      <failure message="${xml(`${at(l)} expect[${failure.index}]`)}">${xml(failure.message)}</failure>`);
      }
      if (r.records.length > 0) lines.push(`      <system-out>${xml(r.records.map(describeRecord).join('\n'))}</system-out>`);
      lines.push('    </testcase>');
    }
    lines.push('  </testsuite>');
  }
  lines.push('</testsuites>');
  return `${lines.join('\n')}\n`;
}

function xml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
