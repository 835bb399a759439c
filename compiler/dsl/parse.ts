import { EOF, type IRecognitionException, type IToken } from 'chevrotain';
import type { Expr } from '../contract/core/ast.ts';
import { tokenize } from './lexer.ts';
import { RuleParser } from './parser.ts';
import { unpack } from './parse-errors.ts';
import { MAX_NESTING } from './grammar.ts';
import { MAX_TREE_DEPTH, tooDeep } from './depth.ts';
import { NestingTooDeep, type RuleSyntaxError } from './syntax-error.ts';
import { ruleSyntaxMessages } from '../contract/messages/rule-syntax.ts';

export type { RuleSyntaxError } from './syntax-error.ts';

export type ParseResult = { ok: true; ast: Expr } | { ok: false; errors: RuleSyntaxError[] };

let parser: RuleParser | undefined;

/** The one parser instance, built on first use (building it analyses the grammar once). */
function sharedParser(): RuleParser {
  parser ??= new RuleParser();
  return parser;
}

/**
 * Parses one rule. Never throws for bad input: lexical problems are all reported; a syntax error
 * stops the parse at the first one (there is no error recovery, so no cascades). Spans are offsets
 * in `text`.
 */
export function parseRule(text: string): ParseResult {
  if (text.trim() === '') {
    return { ok: false, errors: [{ code: 'HL137', message: ruleSyntaxMessages.HL137({}), span: { start: 0, end: text.length } }] };
  }
  const lexed = tokenize(text);
  if (lexed.errors.length > 0) return { ok: false, errors: lexed.errors };
  const p = sharedParser();
  p.depth = 0;
  p.deferredErrors = [];
  p.input = lexed.tokens;
  let ast: Expr;
  try {
    ast = p.rule();
  } catch (e) {
    if (e instanceof NestingTooDeep) {
      return {
        ok: false,
        errors: [
          {
            code: 'HL135',
            message: ruleSyntaxMessages.HL135({ nestingLevels: MAX_NESTING }),
            span: { start: e.offset, end: e.offset + 1 },
            help: 'split it into traits or segments and refer to them by name',
          },
        ],
      };
    }
    throw e;
  }
  if (p.errors.length > 0) return { ok: false, errors: p.errors.map((e) => syntaxError(e, text)) };
  if (p.deferredErrors.length > 0) return { ok: false, errors: p.deferredErrors };
  // Each level of depth needs a token, so only a long rule can be too deep.
  const deep = lexed.tokens.length > MAX_TREE_DEPTH ? tooDeep(ast) : undefined;
  if (deep) {
    return {
      ok: false,
      errors: [
        {
          code: 'HL135',
          message: ruleSyntaxMessages.HL135({ expressionLevels: MAX_TREE_DEPTH }),
          span: deep.span,
          help: 'a chain of `+ - * /` adds a level per term: sum fewer terms at once, or split the rule into traits',
        },
      ],
    };
  }
  return { ok: true, ast };
}

function syntaxError(e: IRecognitionException, text: string): RuleSyntaxError {
  const { message, help } = unpack(e.message);
  const token = e.token;
  let span;
  if (token.tokenType === EOF || Number.isNaN(token.startOffset)) {
    // At the end of the rule: point just after the last token, where something is missing.
    const previous = (e as IRecognitionException & { previousToken?: IToken }).previousToken;
    const at = previous && !Number.isNaN(previous.startOffset) ? previous.startOffset + previous.image.length : text.trimEnd().length;
    span = { start: at, end: at };
  } else {
    span = { start: token.startOffset, end: token.startOffset + token.image.length };
  }
  const error: RuleSyntaxError = { code: 'HL134', message: ruleSyntaxMessages.HL134({ parser: message }), span };
  if (help !== undefined) error.help = help;
  return error;
}
