import type { Span } from '../contract/core/ast.ts';
import type { DiagnosticCode } from '../contract/diagnostic.ts';

/** A problem found while lexing or parsing a rule; spans are offsets in the rule's own text. */
export interface RuleSyntaxError {
  /** An HL13x–HL14x code from compiler/diagnostics/catalogue/dsl.ts. */
  code: DiagnosticCode;
  message: string;
  span: Span;
  help?: string;
}

/** Thrown to abandon a parse that nests deeper than the limit (caught by parseRule). */
export class NestingTooDeep extends Error {
  constructor(readonly offset: number) {
    super('nesting too deep');
  }
}
