import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { catalogue } from '../../compiler/diagnostics/catalogue/index.ts';
import type { Diagnostic } from '../../compiler/diagnostics/diagnostic.ts';
import { formatDiagnostics, wantsColor } from '../../compiler/diagnostics/format/index.ts';
import { escapeData, escapeProperty, GITHUB_ANNOTATION_LIMIT } from '../../compiler/diagnostics/format/github.ts';
import { codeFrame } from '../../compiler/diagnostics/format/code-frame.ts';

const TEXT = 'apiVersion: herald/v1\nkind: Segment\nmetadata: { name: lapsed }\nspec:\n  whre: rfm.monetary >= 4\n';
const sources = new Map([['segments/lapsed.yaml', TEXT]]);

function at(line: number, column: number, length: number, offset: number): Diagnostic['range'] {
  return { start: { line, column, offset }, end: { line, column: column + length, offset: offset + length } };
}

const unknownKey: Diagnostic = {
  code: 'HL205',
  severity: 'error',
  message: 'unknown key "whre" in spec',
  file: 'segments/lapsed.yaml',
  range: at(5, 3, 4, 76),
  help: 'did you mean "where"?',
};
const warning: Diagnostic = { code: 'HL106', severity: 'warning', message: 'empty.yaml holds no YAML document', file: 'empty.yaml' };

describe('pretty', () => {
  it('prints heading, location, code frame, help and a summary, without colour', () => {
    const out = formatDiagnostics('pretty', [unknownKey, warning], { sources, displayPath: (f) => `campaigns/${f}` });
    expect(out.text).toBe(
      [
        'error[HL205]: unknown key "whre" in spec',
        ' --> campaigns/segments/lapsed.yaml:5:3',
        '  |',
        '5 |   whre: rfm.monetary >= 4',
        '  |   ^^^^',
        '  = help: did you mean "where"?',
        '',
        'warning[HL106]: empty.yaml holds no YAML document',
        ' --> campaigns/empty.yaml',
        '',
        '1 error, 1 warning',
        '',
      ].join('\n'),
    );
    expect(out.text).not.toContain('\u001b[');
  });

  it('colours only when asked', () => {
    expect(formatDiagnostics('pretty', [unknownKey], { sources, color: true }).text).toContain('\u001b[');
    expect(wantsColor({ isTTY: true }, {})).toBe(true);
    expect(wantsColor({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(wantsColor({ isTTY: false }, {})).toBe(false);
    expect(wantsColor({}, {})).toBe(false);
  });

  it('says "0 errors, 0 warnings" for a clean run', () => {
    expect(formatDiagnostics('pretty', []).text).toBe('0 errors, 0 warnings\n');
  });
});

describe('code frame', () => {
  it('keeps the underline aligned after tabs', () => {
    const lines = codeFrame('\tkey: value\n', { start: { line: 1, column: 2, offset: 1 }, end: { line: 1, column: 5, offset: 4 } });
    expect(lines[1]).toBe('1 |     key: value');
    expect(lines[2]).toBe('  |     ^^^');
  });

  it('marks a range that runs on to later lines', () => {
    const lines = codeFrame('a:\n  b: 1\n  c: 2\n', { start: { line: 2, column: 3, offset: 5 }, end: { line: 3, column: 7, offset: 15 } });
    expect(lines[2]).toBe('  |   ^^^^ ...');
  });

  it('clips very long lines around the range', () => {
    const line = `${'x'.repeat(500)}ERR${'y'.repeat(500)}`;
    const lines = codeFrame(line, { start: { line: 1, column: 501, offset: 500 }, end: { line: 1, column: 504, offset: 503 } });
    expect(lines[1]!.length).toBeLessThan(200);
    const caret = lines[2]!.indexOf('^');
    expect(lines[1]!.slice(caret, caret + 3)).toBe('ERR');
  });
});

describe('json', () => {
  it('is a versioned document with a summary', () => {
    const doc = JSON.parse(formatDiagnostics('json', [unknownKey, warning]).text);
    expect(doc.version).toBe(1);
    expect(doc.summary).toEqual({ errors: 1, warnings: 1, infos: 0 });
    expect(doc.diagnostics[0]).toEqual(unknownKey);
    expect(doc.diagnostics[1]).toEqual(warning);
  });
});

describe('github', () => {
  it('escapes % \\r \\n in messages and also : and , in properties', () => {
    expect(escapeData('100%\r\nnext')).toBe('100%25%0D%0Anext');
    expect(escapeProperty('a:b,c%')).toBe('a%3Ab%2Cc%25');
    const d: Diagnostic = { ...unknownKey, file: 'odd:name,1.yaml', message: 'line one\nline two 50%' };
    const line = formatDiagnostics('github', [d]).text.split('\n')[0];
    expect(line).toBe(
      '::error file=odd%3Aname%2C1.yaml,line=5,col=3,endLine=5,endColumn=7,title=HL205::line one%0Aline two 50%25%0Ahelp: did you mean "where"?',
    );
  });

  it('annotates a diagnostic without a file or range with what it has', () => {
    const d: Diagnostic = { code: 'HL101', severity: 'error', message: 'workspace x does not exist' };
    expect(formatDiagnostics('github', [d]).text.split('\n')[0]).toBe('::error title=HL101::workspace x does not exist');
    expect(formatDiagnostics('github', [warning]).text.split('\n')[0]).toBe(
      '::warning file=empty.yaml,title=HL106::empty.yaml holds no YAML document',
    );
  });

  it('past 10 annotations per level, lists the rest in a markdown summary instead of dropping them', () => {
    const many: Diagnostic[] = [];
    for (let i = 1; i <= 13; i++) many.push({ ...unknownKey, message: `error number ${i} | piped`, range: at(i, 1, 1, i) });
    for (let i = 1; i <= 11; i++) many.push({ ...warning, message: `warning number ${i}` });
    const out = formatDiagnostics('github', many);
    const annotations = out.text.split('\n').filter((l) => l.startsWith('::'));
    expect(annotations.filter((l) => l.startsWith('::error'))).toHaveLength(GITHUB_ANNOTATION_LIMIT);
    expect(annotations.filter((l) => l.startsWith('::warning'))).toHaveLength(GITHUB_ANNOTATION_LIMIT);
    expect(out.text).toContain('13 errors, 11 warnings');
    const summary = out.stepSummary ?? '';
    expect(summary).toContain('4 of 24 diagnostics not shown');
    for (const n of [11, 12, 13]) expect(summary).toContain(`error number ${n} \\| piped`);
    expect(summary).toContain('warning number 11');
    expect(summary).not.toContain('error number 10 ');
    expect(summary).toContain('segments/lapsed.yaml:13:1');
  });

  it('has no summary when everything fits', () => {
    expect(formatDiagnostics('github', [unknownKey]).stepSummary).toBeUndefined();
  });
});

/** The parts of the SARIF 2.1.0 schema that code-scanning uploads rely on. */
const SARIF_REQUIRED = {
  type: 'object',
  required: ['version', 'runs'],
  properties: {
    version: { const: '2.1.0' },
    $schema: { type: 'string' },
    runs: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['tool', 'results'],
        properties: {
          tool: {
            type: 'object',
            required: ['driver'],
            properties: {
              driver: {
                type: 'object',
                required: ['name', 'rules'],
                properties: {
                  name: { type: 'string' },
                  rules: {
                    type: 'array',
                    items: {
                      type: 'object',
                      required: ['id', 'shortDescription', 'fullDescription'],
                      properties: {
                        id: { type: 'string', pattern: '^HL\\d{3}$' },
                        shortDescription: { type: 'object', required: ['text'] },
                        fullDescription: { type: 'object', required: ['text'] },
                        defaultConfiguration: { type: 'object', properties: { level: { enum: ['none', 'note', 'warning', 'error'] } } },
                      },
                    },
                  },
                },
              },
            },
          },
          results: {
            type: 'array',
            items: {
              type: 'object',
              required: ['ruleId', 'message', 'level'],
              properties: {
                ruleId: { type: 'string' },
                ruleIndex: { type: 'integer', minimum: 0 },
                level: { enum: ['none', 'note', 'warning', 'error'] },
                message: { type: 'object', required: ['text'], properties: { text: { type: 'string', minLength: 1 } } },
                locations: {
                  type: 'array',
                  items: {
                    type: 'object',
                    required: ['physicalLocation'],
                    properties: {
                      physicalLocation: {
                        type: 'object',
                        required: ['artifactLocation'],
                        properties: {
                          artifactLocation: { type: 'object', required: ['uri'], properties: { uri: { type: 'string' } } },
                          region: {
                            type: 'object',
                            required: ['startLine'],
                            properties: {
                              startLine: { type: 'integer', minimum: 1 },
                              startColumn: { type: 'integer', minimum: 1 },
                              endLine: { type: 'integer', minimum: 1 },
                              endColumn: { type: 'integer', minimum: 1 },
                            },
                          },
                        },
                      },
                    },
                  },
                },
              },
            },
          },
        },
      },
    },
  },
};

describe('sarif', () => {
  const log = JSON.parse(
    formatDiagnostics('sarif', [unknownKey, warning, { code: 'HL101', severity: 'error', message: 'no such folder' }]).text,
  );

  it('has the shape code scanning requires', () => {
    const validate = new Ajv({ allErrors: true }).compile(SARIF_REQUIRED);
    expect(validate(log), JSON.stringify(validate.errors)).toBe(true);
  });

  it('lists every catalogue code as a rule, and results point at their rule', () => {
    const rules = log.runs[0].tool.driver.rules as Array<{ id: string }>;
    expect(rules.map((r) => r.id)).toEqual([...catalogue.keys()].sort());
    for (const r of log.runs[0].results) expect(rules[r.ruleIndex]!.id).toBe(r.ruleId);
  });

  it('maps positions and levels', () => {
    const [first, second, third] = log.runs[0].results;
    expect(first.level).toBe('error');
    expect(first.locations[0].physicalLocation).toEqual({
      artifactLocation: { uri: 'segments/lapsed.yaml' },
      region: { startLine: 5, startColumn: 3, endLine: 5, endColumn: 7 },
    });
    expect(second.level).toBe('warning');
    expect(second.locations[0].physicalLocation.region).toBeUndefined();
    expect(third.locations).toBeUndefined();
  });
});
