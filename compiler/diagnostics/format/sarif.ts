import { catalogue } from '../catalogue/index.ts';
import type { Diagnostic } from '../diagnostic.ts';
import { HERALD_VERSION } from '../../contract/version.ts';
import { shownPath, type Formatter } from './types.ts';

const LEVEL = { error: 'error', warning: 'warning', info: 'note' } as const;

/** `unknown key` → `UnknownKey`: SARIF rule names are identifiers. */
function ruleName(title: string): string {
  return title
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('');
}

/**
 * SARIF 2.1.0 for code scanning: one run whose tool.driver lists every catalogue code as a rule
 * (ruleId = the stable code), and one result per diagnostic with its physical location.
 */
export const formatSarif: Formatter = (diagnostics, context) => {
  const entries = [...catalogue.values()].sort((a, b) => (a.code < b.code ? -1 : 1));
  const index = new Map(entries.map((e, i) => [e.code, i]));
  const rules = entries.map((e) => ({
    id: e.code,
    name: ruleName(e.title),
    shortDescription: { text: e.title },
    fullDescription: { text: e.explanation },
    help: { text: `${e.explanation}\n\nRun \`herald explain-code ${e.code}\` for this text.` },
    defaultConfiguration: { level: LEVEL[e.severity] },
  }));
  const results = diagnostics.map((d) => result(d, index.get(d.code), shownPath(d.file, context)));
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'herald', version: HERALD_VERSION, semanticVersion: HERALD_VERSION, rules } },
        columnKind: 'utf16CodeUnits',
        results,
      },
    ],
  };
  return { text: `${JSON.stringify(log, null, 2)}\n` };
};

function result(d: Diagnostic, ruleIndex: number | undefined, file: string | undefined) {
  const text = [d.message, ...(d.notes ?? []).map((n) => `note: ${n}`), ...(d.help ? [`help: ${d.help}`] : [])].join('\n');
  const out: Record<string, unknown> = { ruleId: d.code, level: LEVEL[d.severity], message: { text } };
  if (ruleIndex !== undefined) out.ruleIndex = ruleIndex;
  if (file !== undefined) {
    const physicalLocation: Record<string, unknown> = { artifactLocation: { uri: encodeURI(file) } };
    if (d.range) {
      physicalLocation.region = {
        startLine: d.range.start.line,
        startColumn: d.range.start.column,
        endLine: d.range.end.line,
        // SARIF's endColumn is exclusive, as ours is; a zero-width range still needs one column.
        endColumn: Math.max(d.range.end.column, d.range.end.line === d.range.start.line ? d.range.start.column + 1 : 1),
      };
    }
    out.locations = [{ physicalLocation }];
  }
  return out;
}
