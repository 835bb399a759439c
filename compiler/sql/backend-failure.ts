/**
 * A type-checked rule the SQL backend could not compile. The type checker should have rejected
 * whatever causes this, so it is reported as an internal error naming the definition (never a
 * stack trace for the user).
 */
import { diagnostic } from '../diagnostics/make.ts';
import type { Diagnostic } from '../diagnostics/diagnostic.ts';
import type { Definition } from '../1-load/definition.ts';

export function backendFailure(def: Definition, error: unknown): Diagnostic {
  const reason = error instanceof Error ? error.message : String(error);
  return diagnostic('HL401', { kind: def.kind, name: def.name, sqlReason: reason }, { file: def.doc.file.path });
}
