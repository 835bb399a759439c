import { createToken, Lexer, type TokenType } from 'chevrotain';

/**
 * The rule DSL's tokens. Order matters: Chevrotain tries them first to last, so longer or more
 * specific patterns come before the ones they overlap (timestamp before duration before number,
 * `<=` before `<`, the mistaken operators `==` `&&` before `=`).
 *
 * Quoted identifiers: a field, column or event name that is not a plain identifier (spaces, odd
 * characters, a reserved word such as `next`) is written in backticks: `` `Unit Price` * Quantity ``.
 * Inside backticks, `\`` is a backtick and `\\` a backslash; nothing else is special.
 */

export const WhiteSpace = createToken({ name: 'WhiteSpace', pattern: /[ \t\r\n]+/, group: Lexer.SKIPPED });

export const Identifier = createToken({ name: 'Identifier', pattern: /[A-Za-z_][A-Za-z0-9_]*/ });

/** Reserved words: they cannot name a field unless quoted in backticks. */
function keyword(word: string): TokenType {
  return createToken({
    name: word === 'since_entry' ? 'SinceEntry' : word[0]!.toUpperCase() + word.slice(1),
    pattern: new RegExp(word),
    longer_alt: Identifier,
  });
}
export const And = keyword('and');
export const Or = keyword('or');
export const Not = keyword('not');
export const In = keyword('in');
export const Between = keyword('between');
export const Is = keyword('is');
export const Null = keyword('null');
export const True = keyword('true');
export const False = keyword('false');
export const Starts = keyword('starts');
export const With = keyword('with');
export const Contains = keyword('contains');
export const Where = keyword('where');
export const Within = keyword('within');
export const Next = keyword('next');
export const SinceEntry = keyword('since_entry');

/** Longest first, so `within` is not lexed as `with` + `in`. */
export const KEYWORD_TOKENS = [SinceEntry, Contains, Between, Within, Starts, Where, False, True, Null, Next, With, And, Not, Or, In, Is];
export const RESERVED_WORDS: ReadonlySet<string> = new Set(KEYWORD_TOKENS.map((t) => t.PATTERN!.toString().slice(1, -1)));

/** `2011-12-09`, `2011-12-09T12:00Z`, `2011-12-09T12:00:30.5+01:00`; validated after lexing. */
export const Timestamp = createToken({
  name: 'Timestamp',
  pattern: /\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})?)?/,
});
/** `90d`, `48h`, `30m`, `2w`, `45s`: a whole number and a unit, nothing glued after it. */
export const Duration = createToken({ name: 'Duration', pattern: /\d+[smhdw](?![A-Za-z0-9_])/ });
export const NumberLit = createToken({ name: 'Number', pattern: /\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/ });
export const StringLit = createToken({ name: 'String', pattern: /"(?:[^"\\\n\r]|\\.)*"/ });
/** A string that reaches the end of the line or the rule without its closing quote. */
export const UnterminatedString = createToken({ name: 'UnterminatedString', pattern: /"(?:[^"\\\n\r]|\\.)*\\?/ });
export const QuotedIdentifier = createToken({ name: 'QuotedIdentifier', pattern: /`(?:[^`\\\n\r]|\\.)*`/ });
export const UnterminatedIdentifier = createToken({ name: 'UnterminatedIdentifier', pattern: /`(?:[^`\\\n\r]|\\.)*\\?/ });

/** Operators from other languages, lexed so the error can name the right one. */
export const MistakenOperator = createToken({ name: 'MistakenOperator', pattern: /===?|!==|&&|\|\||<>|!(?!=)/ });

export const NotEquals = createToken({ name: 'NotEquals', pattern: /!=/ });
export const LessEquals = createToken({ name: 'LessEquals', pattern: /<=/ });
export const GreaterEquals = createToken({ name: 'GreaterEquals', pattern: />=/ });
export const Less = createToken({ name: 'Less', pattern: /</ });
export const Greater = createToken({ name: 'Greater', pattern: />/ });
export const Equals = createToken({ name: 'Equals', pattern: /=/ });
export const Plus = createToken({ name: 'Plus', pattern: /\+/ });
export const Minus = createToken({ name: 'Minus', pattern: /-/ });
export const Star = createToken({ name: 'Star', pattern: /\*/ });
export const Slash = createToken({ name: 'Slash', pattern: /\// });
export const LParen = createToken({ name: 'LParen', pattern: /\(/ });
export const RParen = createToken({ name: 'RParen', pattern: /\)/ });
export const LBracket = createToken({ name: 'LBracket', pattern: /\[/ });
export const RBracket = createToken({ name: 'RBracket', pattern: /]/ });
export const Comma = createToken({ name: 'Comma', pattern: /,/ });
export const Dot = createToken({ name: 'Dot', pattern: /\./ });

export const ALL_TOKENS: TokenType[] = [
  WhiteSpace,
  Timestamp,
  Duration,
  NumberLit,
  StringLit,
  UnterminatedString,
  QuotedIdentifier,
  UnterminatedIdentifier,
  MistakenOperator,
  NotEquals,
  LessEquals,
  GreaterEquals,
  Less,
  Greater,
  Equals,
  Plus,
  Minus,
  Star,
  Slash,
  LParen,
  RParen,
  LBracket,
  RBracket,
  Comma,
  Dot,
  ...KEYWORD_TOKENS,
  Identifier,
];

/** How a token is named in error messages: `and`, `)`, "a number". */
export function describeTokenType(type: TokenType): string {
  switch (type.name) {
    case 'EOF':
      return 'the end of the rule';
    case 'Identifier':
      return 'a name';
    case 'QuotedIdentifier':
      return 'a quoted name';
    case 'Number':
      return 'a number';
    case 'String':
      return 'a string';
    case 'Duration':
      return 'a duration (e.g. 30d)';
    case 'Timestamp':
      return 'a date or timestamp';
  }
  const pattern = type.PATTERN;
  const text = pattern instanceof RegExp ? pattern.source.replace(/\\/g, '') : String(pattern);
  return '`' + text + '`';
}
