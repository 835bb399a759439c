import type { MessageTable } from './types.ts';

/**
 * Messages of the rule syntax codes HL13x (explained in compiler/diagnostics/catalogue/dsl.ts).
 * They live in the contract because the rule parser (compiler/dsl) sits beside the catalogue, not
 * above it; the catalogue re-exports them.
 */
export const ruleSyntaxMessages = {
  HL130: (p: { char: string }) => `unexpected character ${quoteChar(p.char)}`,
  HL131: (p: { unterminated: 'string' | 'quoted name' }) =>
    p.unterminated === 'string'
      ? 'unterminated string: the closing `"` is missing'
      : 'unterminated quoted name: the closing backtick is missing',
  /** `literal`: what the literal's decoder says is wrong with it. */
  HL132: (p: { literal: string }) => p.literal,
  HL133: (p: { operator: string }) => `unknown operator \`${p.operator}\``,
  /** `parser`: the parser's own account of what it expected (compiler/dsl/parse-errors.ts). */
  HL134: (p: { parser: string } | { aggregate: string; example: string }) =>
    'parser' in p ? p.parser : `\`${p.aggregate}\` takes an event type, e.g. ${p.example}`,
  HL135: (p: { nestingLevels: number } | { expressionLevels: number }) =>
    'nestingLevels' in p
      ? `the rule nests deeper than ${p.nestingLevels} levels`
      : `the rule's expression is more than ${p.expressionLevels} levels deep`,
  HL137: (_p: Record<string, never>) => 'the rule is empty',
} satisfies MessageTable;

/** A character as the message shows it: in backticks, or as U+XXXX when it is a control character. */
function quoteChar(ch: string): string {
  if (ch === '`') return "'`'";
  const code = ch.codePointAt(0)!;
  if (code < 0x20 || code === 0x7f) return `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  return '`' + ch + '`';
}
