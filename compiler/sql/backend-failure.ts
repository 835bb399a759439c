/**
 * A type-checked rule the SQL backend could not compile. The type checker should have rejected
 * whatever causes this, so it is reported as an internal error naming the definition (never a
 * stack trace for the user).
 */
import { diag } from '../diagnostics/make.ts';
import type { Diagnostic } from '../diagnostics/diagnostic.ts';
import type { Definition } from '../1-load/definition.ts';

export function backendFailure(def: Definition, error: unknown): Diagnostic {
  const reason = error instanceof Error ? error.message : String(error);
  return diag('HL401', `cannot compile ${def.kind.toLowerCase()} \`${def.name}\` to SQL: ${reason}`, { file: def.doc.file.path });
}
