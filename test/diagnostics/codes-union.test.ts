import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CODES_FILE, diagnosticCodesSource } from '../../scripts/diagnostic-codes.ts';
import { formatDiagnostics } from '../../compiler/diagnostics/format/index.ts';
import { lineRange } from '../../compiler/contract/diagnostic.ts';

describe('the typed union of diagnostic codes', () => {
  it('is the catalogue as it is (run scripts/diagnostic-codes.ts after adding a code)', () => {
    expect(readFileSync(CODES_FILE, 'utf8')).toBe(diagnosticCodesSource());
  });
});

describe('the lines layout of runtime findings', () => {
  it('prints every finding with its place as far as known, its notes and help', () => {
    const text = formatDiagnostics('lines', [
      { code: 'HL537', severity: 'error', message: 'not JSON', file: 'hooks.jsonl', range: lineRange(9) },
      { code: 'HL577', severity: 'warning', message: 'model m changed', help: 'run `herald train --model m`' },
      { code: 'HL538', severity: 'warning', message: 'no message', file: 'hooks.json' },
    ]).text;
    expect(text).toBe(
      'hooks.jsonl:9: error[HL537]: not JSON\nwarning[HL577]: model m changed\n  help: run `herald train --model m`\nhooks.json: warning[HL538]: no message\n',
    );
  });
});
