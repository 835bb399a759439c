import { describe, expect, it } from 'vitest';
import { judge } from './judge.ts';

/** The fuzzer's verdicts catch what they are meant to catch (and pass what is fine). */
describe('fuzz judge', () => {
  const json = (diagnostics: unknown[]) => JSON.stringify({ version: 1, diagnostics });
  const located = { code: 'HL205', severity: 'error', message: 'unknown key', file: 'a.yaml', range: { start: { line: 3, column: 1 } } };

  it('passes a clean run and located errors', () => {
    expect(judge({ code: 0, stdout: json([]), stderr: '', format: 'json' })).toEqual([]);
    expect(judge({ code: 1, stdout: json([located]), stderr: '', format: 'json' })).toEqual([]);
    expect(judge({ code: 1, stdout: 'error[HL205]: unknown key\n  --> a.yaml:3:1\n', stderr: '', format: 'pretty' })).toEqual([]);
    expect(judge({ code: 2, stdout: '', stderr: 'herald validate: unknown option --x\n', format: 'json' })).toEqual([]);
  });

  it('flags internal errors, stack traces, internal codes, odd exits and unlocated errors', () => {
    expect(
      judge({ code: 2, stdout: '', stderr: 'herald validate: internal error\nTypeError: x\n    at f (/a/b.ts:1:2)\n', format: 'json' }),
    ).toHaveLength(2);
    expect(judge({ code: 1, stdout: json([{ ...located, code: 'HL305' }]), stderr: '', format: 'json' })[0]).toMatch(/HL305/);
    expect(judge({ code: 3, stdout: json([]), stderr: '', format: 'json' })).toEqual(['exit code 3']);
    expect(judge({ code: 1, stdout: json([{ ...located, range: undefined }]), stderr: '', format: 'json' })[0]).toMatch(
      /without a position/,
    );
    expect(judge({ code: 1, stdout: 'error[HL205]: unknown key\n  --> a.yaml\n', stderr: '', format: 'pretty' })[0]).toMatch(
      /without a position/,
    );
    expect(judge({ code: 1, stdout: json([]), stderr: '', format: 'json' })).toEqual(['exit 1 without an error diagnostic']);
    expect(judge({ code: 2, stdout: '', stderr: '', format: 'json' })).toEqual(['exit 2 without a message']);
  });

  it('lets a diagnostic about a whole unreadable file name only the file', () => {
    expect(
      judge({ code: 1, stdout: 'error[HL110]: cannot read a.yaml: it is a broken link\n --> a.yaml\n', stderr: '', format: 'pretty' }),
    ).toEqual([]);
  });
});
