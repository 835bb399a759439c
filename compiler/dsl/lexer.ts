import { Lexer, type IToken } from 'chevrotain';
import { ALL_TOKENS, MistakenOperator, UnterminatedIdentifier, UnterminatedString } from './tokens.ts';
import type { RuleSyntaxError } from './syntax-error.ts';
import { ruleSyntaxMessages } from '../contract/messages/rule-syntax.ts';

/** One lexer for the process: Chevrotain lexers are stateless between calls and costly to build. */
const lexer = new Lexer(ALL_TOKENS, {
  positionTracking: 'onlyOffset',
  ensureOptimizations: true,
});

export interface Lexed {
  tokens: IToken[];
  errors: RuleSyntaxError[];
}

/** What to write instead of an operator borrowed from another language. */
const OPERATOR_FIXES: Record<string, string> = {
  '==': 'use `=` to compare',
  '===': 'use `=` to compare',
  '!==': 'use `!=`',
  '<>': 'use `!=`',
  '&&': 'use `and`',
  '||': 'use `or`',
  '!': 'use `not`',
};

/**
 * Splits a rule into tokens. Lexical problems (stray characters, unterminated strings, `==`) are
 * all collected, so one run reports every one of them.
 */
export function tokenize(text: string): Lexed {
  const result = lexer.tokenize(text);
  const errors: RuleSyntaxError[] = [];
  for (const e of result.errors) {
    const ch = text.slice(e.offset, e.offset + e.length);
    const first = String.fromCodePoint(ch.codePointAt(0)!);
    const error: RuleSyntaxError = {
      code: 'HL130',
      message: ruleSyntaxMessages.HL130({ char: first }),
      span: { start: e.offset, end: e.offset + first.length },
    };
    if (first === "'") error.help = 'strings are written in double quotes: "like this"';
    else if (/[^\x00-\x7f]/.test(first)) error.help = 'names are ASCII letters, digits and _; quote other names in backticks: `prénom`';
    else if (first === ';') error.help = 'a rule is one expression; join conditions with `and`';
    errors.push(error);
  }
  for (const t of result.tokens) {
    if (t.tokenType === UnterminatedString) {
      errors.push({
        code: 'HL131',
        message: ruleSyntaxMessages.HL131({ unterminated: 'string' }),
        span: { start: t.startOffset, end: t.startOffset + t.image.length },
        help: 'close the string with `"` on the same line (write \\" for a quote inside it)',
      });
    } else if (t.tokenType === UnterminatedIdentifier) {
      errors.push({
        code: 'HL131',
        message: ruleSyntaxMessages.HL131({ unterminated: 'quoted name' }),
        span: { start: t.startOffset, end: t.startOffset + t.image.length },
      });
    } else if (t.tokenType === MistakenOperator) {
      errors.push({
        code: 'HL133',
        message: ruleSyntaxMessages.HL133({ operator: t.image }),
        span: { start: t.startOffset, end: t.startOffset + t.image.length },
        help: OPERATOR_FIXES[t.image]!,
      });
    }
  }
  errors.sort((a, b) => a.span.start - b.span.start);
  return { tokens: result.tokens, errors };
}
