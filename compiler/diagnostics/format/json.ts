import type { Diagnostic } from '../diagnostic.ts';
import { countDiagnostics } from './summary.ts';
import { shownPath, type Formatter } from './types.ts';

/** Version of the JSON output document; bump on any breaking change to its shape. */
export const JSON_FORMAT_VERSION = 1;

/**
 * Machine output: `{ version, diagnostics: [...], summary: { errors, warnings, infos } }`, each
 * diagnostic exactly the shared model (file as displayed, 1-based line/column, 0-based offsets).
 */
export const formatJson: Formatter = (diagnostics, context) => {
  const doc = {
    version: JSON_FORMAT_VERSION,
    diagnostics: diagnostics.map((d): Diagnostic => {
      const file = shownPath(d.file, context);
      const out: Diagnostic = { code: d.code, severity: d.severity, message: d.message };
      if (file !== undefined) out.file = file;
      if (d.range) out.range = d.range;
      if (d.notes) out.notes = d.notes;
      if (d.help) out.help = d.help;
      return out;
    }),
    summary: countDiagnostics(diagnostics),
  };
  return { text: `${JSON.stringify(doc, null, 2)}\n` };
};
