import { EmbeddedActionsParser, type IToken } from 'chevrotain';
import type { AggregateExpr, AggregateFn, BinaryOp, DurationLiteral, DurationUnit, EventWindow, Expr, Span } from '../types/ast.ts';
import * as T from './tokens.ts';
import { AGGREGATE_FN_SET, MAX_NESTING } from './grammar.ts';
import { checkTimestamp, decodeNumber, decodeQuotedIdentifier, decodeString, type Decoded } from './literals.ts';
import { NestingTooDeep, type RuleSyntaxError } from './syntax-error.ts';
import { errorMessages } from './parse-errors.ts';

interface Name {
  name: string;
  span: Span;
}

const tokenSpan = (t: IToken): Span => ({ start: t.startOffset, end: t.startOffset + t.image.length });
const join = (a: Span, b: Span): Span => ({ start: a.start, end: b.end });
const binary = (op: BinaryOp, left: Expr, right: Expr): Expr => ({ kind: 'binary', op, left, right, span: join(left.span, right.span) });

/**
 * The rule grammar, building the AST directly (embedded actions: no CST, one pass). Rules, from
 * loosest to tightest binding:
 *
 *   orExpr         := andExpr ("or" andExpr)*
 *   andExpr        := notExpr ("and" notExpr)*
 *   notExpr        := "not" notExpr | comparison
 *   comparison     := additive ( compareOp additive | ["not"] "in" additive
 *                     | ["not"] "between" additive "and" additive | "is" ["not"] "null"
 *                     | "starts" "with" additive | "contains" additive )?
 *   additive       := multiplicative (("+" | "-") multiplicative)*
 *   multiplicative := unary (("*" | "/") unary)*
 *   unary          := "-" unary | primary
 *   primary        := literal | list | "(" orExpr ")" | aggregate | call | path
 *   aggregate      := AGG "(" name ["." name] ["where" orExpr] ["within" window] ")" ["." name]
 *   window         := DURATION | "next" DURATION | "since_entry"
 *
 * Not thread-safe and not re-entrant: parseRule() owns the single instance.
 */
export class RuleParser extends EmbeddedActionsParser {
  /** Current nesting, checked against MAX_NESTING. */
  depth = 0;
  /** Bad escapes, dates and numbers found while building literals; reported after the parse. */
  literalErrors: RuleSyntaxError[] = [];

  constructor() {
    super(T.ALL_TOKENS, { recoveryEnabled: false, maxLookahead: 3, errorMessageProvider: errorMessages });
    this.performSelfAnalysis();
  }

  private enter(at: IToken): void {
    if (++this.depth > MAX_NESTING) throw new NestingTooDeep(at.startOffset);
  }

  private decoded<V>(token: IToken, result: Decoded<V>, fallback: V): V {
    if (result.ok) return result.value;
    const error: RuleSyntaxError = {
      code: 'HL132',
      message: result.message,
      span: { start: token.startOffset + result.at, end: token.startOffset + result.at + Math.max(1, result.length) },
    };
    if (result.help !== undefined) error.help = result.help;
    this.literalErrors.push(error);
    return fallback;
  }

  public rule = this.RULE('rule', (): Expr => this.SUBRULE(this.orExpr));

  private orExpr = this.RULE('orExpr', (): Expr => {
    let left = this.SUBRULE(this.andExpr);
    this.MANY(() => {
      this.CONSUME(T.Or);
      const right = this.SUBRULE2(this.andExpr);
      left = this.ACTION(() => binary('or', left, right));
    });
    return left;
  });

  private andExpr = this.RULE('andExpr', (): Expr => {
    let left = this.SUBRULE(this.notExpr);
    this.MANY(() => {
      this.CONSUME(T.And);
      const right = this.SUBRULE2(this.notExpr);
      left = this.ACTION(() => binary('and', left, right));
    });
    return left;
  });

  private notExpr = this.RULE('notExpr', (): Expr =>
    this.OR([
      {
        ALT: () => {
          const not = this.CONSUME(T.Not);
          this.enter(not);
          const operand = this.SUBRULE(this.notExpr);
          this.depth--;
          return this.ACTION((): Expr => ({ kind: 'unary', op: 'not', operand, span: join(tokenSpan(not), operand.span) }));
        },
      },
      { ALT: () => this.SUBRULE(this.comparison) },
    ]),
  );

  private comparison = this.RULE('comparison', (): Expr => {
    const value = this.SUBRULE(this.additive);
    let result = value;
    this.OPTION(() => {
      result = this.OR([
        {
          ALT: () => {
            const op = this.SUBRULE(this.compareOp);
            const right = this.SUBRULE2(this.additive);
            return this.ACTION(() => binary(op, value, right));
          },
        },
        { ALT: () => this.SUBRULE(this.inTail, { ARGS: [value, false] }) },
        { ALT: () => this.SUBRULE(this.betweenTail, { ARGS: [value, false] }) },
        {
          ALT: () => {
            this.CONSUME(T.Not);
            return this.OR2([
              { ALT: () => this.SUBRULE2(this.inTail, { ARGS: [value, true] }) },
              { ALT: () => this.SUBRULE2(this.betweenTail, { ARGS: [value, true] }) },
            ]);
          },
        },
        {
          ALT: () => {
            this.CONSUME(T.Is);
            let negated = false;
            this.OPTION2(() => {
              this.CONSUME2(T.Not);
              negated = true;
            });
            const end = this.CONSUME(T.Null);
            return this.ACTION((): Expr => ({ kind: 'is_null', negated, value, span: join(value.span, tokenSpan(end)) }));
          },
        },
        {
          ALT: () => {
            this.CONSUME(T.Starts);
            this.CONSUME(T.With);
            const pattern = this.SUBRULE3(this.additive);
            return this.ACTION((): Expr => ({ kind: 'string_match', op: 'starts_with', value, pattern, span: join(value.span, pattern.span) }));
          },
        },
        {
          ALT: () => {
            this.CONSUME(T.Contains);
            const pattern = this.SUBRULE4(this.additive);
            return this.ACTION((): Expr => ({ kind: 'string_match', op: 'contains', value, pattern, span: join(value.span, pattern.span) }));
          },
        },
      ]);
    });
    return result;
  });

  private compareOp = this.RULE('compareOp', (): BinaryOp => {
    const t = this.OR([
      { ALT: () => this.CONSUME(T.Equals) },
      { ALT: () => this.CONSUME(T.NotEquals) },
      { ALT: () => this.CONSUME(T.LessEquals) },
      { ALT: () => this.CONSUME(T.GreaterEquals) },
      { ALT: () => this.CONSUME(T.Less) },
      { ALT: () => this.CONSUME(T.Greater) },
    ]);
    return t.image as BinaryOp;
  });

  private inTail = this.RULE('inTail', (value: Expr, negated: boolean): Expr => {
    this.CONSUME(T.In);
    const list = this.SUBRULE(this.additive);
    return this.ACTION((): Expr => ({ kind: 'in', negated, value, list, span: join(value.span, list.span) }));
  });

  private betweenTail = this.RULE('betweenTail', (value: Expr, negated: boolean): Expr => {
    this.CONSUME(T.Between);
    const low = this.SUBRULE(this.additive);
    this.CONSUME(T.And);
    const high = this.SUBRULE2(this.additive);
    return this.ACTION((): Expr => ({ kind: 'between', negated, value, low, high, span: join(value.span, high.span) }));
  });

  private additive = this.RULE('additive', (): Expr => {
    let left = this.SUBRULE(this.multiplicative);
    this.MANY(() => {
      const op = this.OR([{ ALT: () => this.CONSUME(T.Plus) }, { ALT: () => this.CONSUME(T.Minus) }]);
      const right = this.SUBRULE2(this.multiplicative);
      left = this.ACTION(() => binary(op.image as BinaryOp, left, right));
    });
    return left;
  });

  private multiplicative = this.RULE('multiplicative', (): Expr => {
    let left = this.SUBRULE(this.unary);
    this.MANY(() => {
      const op = this.OR([{ ALT: () => this.CONSUME(T.Star) }, { ALT: () => this.CONSUME(T.Slash) }]);
      const right = this.SUBRULE2(this.unary);
      left = this.ACTION(() => binary(op.image as BinaryOp, left, right));
    });
    return left;
  });

  private unary = this.RULE('unary', (): Expr =>
    this.OR([
      {
        ALT: () => {
          const minus = this.CONSUME(T.Minus);
          this.enter(minus);
          const operand = this.SUBRULE(this.unary);
          this.depth--;
          return this.ACTION((): Expr => ({ kind: 'unary', op: '-', operand, span: join(tokenSpan(minus), operand.span) }));
        },
      },
      { ALT: () => this.SUBRULE(this.primary) },
    ]),
  );

  private primary = this.RULE('primary', (): Expr =>
    this.OR([
      {
        ALT: () => {
          const t = this.CONSUME(T.NumberLit);
          return this.ACTION((): Expr => ({ kind: 'number', value: this.decoded(t, decodeNumber(t.image), 0), span: tokenSpan(t) }));
        },
      },
      {
        ALT: () => {
          const t = this.CONSUME(T.StringLit);
          return this.ACTION((): Expr => ({ kind: 'string', value: this.decoded(t, decodeString(t.image), ''), span: tokenSpan(t) }));
        },
      },
      {
        ALT: () => {
          const t = this.CONSUME(T.True);
          return this.ACTION((): Expr => ({ kind: 'boolean', value: true, span: tokenSpan(t) }));
        },
      },
      {
        ALT: () => {
          const t = this.CONSUME(T.False);
          return this.ACTION((): Expr => ({ kind: 'boolean', value: false, span: tokenSpan(t) }));
        },
      },
      {
        ALT: () => {
          const t = this.CONSUME(T.Null);
          return this.ACTION((): Expr => ({ kind: 'null', span: tokenSpan(t) }));
        },
      },
      { ALT: () => this.SUBRULE(this.duration) },
      {
        ALT: () => {
          const t = this.CONSUME(T.Timestamp);
          return this.ACTION((): Expr => {
            const { dateOnly } = this.decoded(t, checkTimestamp(t.image), { dateOnly: true });
            return { kind: 'timestamp', value: t.image, dateOnly, span: tokenSpan(t) };
          });
        },
      },
      { ALT: () => this.SUBRULE(this.list) },
      {
        ALT: () => {
          const open = this.CONSUME(T.LParen);
          this.enter(open);
          const inner = this.SUBRULE(this.orExpr);
          const close = this.CONSUME(T.RParen);
          this.depth--;
          // The parentheses belong to the span, so `(a + b)` is underlined whole in errors.
          return this.ACTION((): Expr => ({ ...inner, span: join(tokenSpan(open), tokenSpan(close)) }));
        },
      },
      {
        // `count(` … is an aggregate, any other `name(` a call: decided by the name itself.
        GATE: () => AGGREGATE_FN_SET.has(this.LA(1).image) && this.LA(2).tokenType === T.LParen,
        IGNORE_AMBIGUITIES: true,
        ALT: () => this.SUBRULE(this.aggregate),
      },
      { ALT: () => this.SUBRULE(this.callOrPath) },
      {
        ALT: () => {
          const first = this.SUBRULE(this.quotedName);
          return this.SUBRULE(this.pathTail, { ARGS: [first] });
        },
      },
    ]),
  );

  private duration = this.RULE('duration', (): DurationLiteral => {
    const t = this.CONSUME(T.Duration);
    return this.ACTION((): DurationLiteral => ({
      kind: 'duration',
      amount: this.decoded(t, decodeNumber(t.image.slice(0, -1)), 0),
      unit: t.image[t.image.length - 1] as DurationUnit,
      span: tokenSpan(t),
    }));
  });

  private list = this.RULE('list', (): Expr => {
    const open = this.CONSUME(T.LBracket);
    this.enter(open);
    const items: Expr[] = [];
    this.MANY_SEP({ SEP: T.Comma, DEF: () => items.push(this.SUBRULE(this.orExpr)) });
    const close = this.CONSUME(T.RBracket);
    this.depth--;
    return this.ACTION((): Expr => ({ kind: 'list', items, span: join(tokenSpan(open), tokenSpan(close)) }));
  });

  private callOrPath = this.RULE('callOrPath', (): Expr => {
    const nameToken = this.CONSUME(T.Identifier);
    const first: Name = this.ACTION(() => ({ name: nameToken.image, span: tokenSpan(nameToken) }));
    return this.OR([
      {
        ALT: () => {
          const open = this.CONSUME(T.LParen);
          this.enter(open);
          const args: Expr[] = [];
          this.MANY_SEP({ SEP: T.Comma, DEF: () => args.push(this.SUBRULE(this.orExpr)) });
          const close = this.CONSUME(T.RParen);
          this.depth--;
          return this.ACTION((): Expr => ({ kind: 'call', name: first.name, nameSpan: first.span, args, span: join(first.span, tokenSpan(close)) }));
        },
      },
      { ALT: () => this.SUBRULE(this.pathTail, { ARGS: [first] }) },
    ]);
  });

  private pathTail = this.RULE('pathTail', (first: Name): Expr => {
    const segments: string[] = [];
    let end: Span | undefined;
    this.MANY(() => {
      this.CONSUME(T.Dot);
      const segment = this.SUBRULE(this.name);
      this.ACTION(() => {
        segments.push(segment.name);
        end = segment.span;
      });
    });
    return this.ACTION((): Expr => ({ kind: 'path', segments: [first.name, ...segments], span: join(first.span, end ?? first.span) }));
  });

  private name = this.RULE('name', (): Name =>
    this.OR([
      {
        ALT: () => {
          const t = this.CONSUME(T.Identifier);
          return this.ACTION(() => ({ name: t.image, span: tokenSpan(t) }));
        },
      },
      { ALT: () => this.SUBRULE(this.quotedName) },
    ]),
  );

  private quotedName = this.RULE('quotedName', (): Name => {
    const t = this.CONSUME(T.QuotedIdentifier);
    return this.ACTION(() => ({ name: this.decoded(t, decodeQuotedIdentifier(t.image), '?'), span: tokenSpan(t) }));
  });

  private aggregate = this.RULE('aggregate', (): Expr => {
    const fn = this.CONSUME(T.Identifier);
    const open = this.CONSUME(T.LParen);
    this.enter(open);
    const event = this.SUBRULE(this.name);
    let property: Name | undefined;
    let where: Expr | undefined;
    let window: EventWindow | undefined;
    let field: Name | undefined;
    this.OPTION(() => {
      this.CONSUME(T.Dot);
      property = this.SUBRULE2(this.name);
    });
    this.OPTION2(() => {
      this.CONSUME(T.Where);
      where = this.SUBRULE(this.orExpr);
    });
    this.OPTION3(() => {
      const within = this.CONSUME(T.Within);
      window = this.SUBRULE(this.window, { ARGS: [within] });
    });
    const close = this.CONSUME(T.RParen);
    this.depth--;
    this.OPTION4(() => {
      this.CONSUME2(T.Dot);
      field = this.SUBRULE3(this.name);
    });
    return this.ACTION((): Expr => {
      const node: AggregateExpr = {
        kind: 'aggregate',
        fn: fn.image as AggregateFn,
        event: event.name,
        eventSpan: event.span,
        span: join(tokenSpan(fn), field?.span ?? tokenSpan(close)),
      };
      if (property) {
        node.property = property.name;
        node.propertySpan = property.span;
      }
      if (where) node.where = where;
      if (window) node.window = window;
      if (field) {
        node.field = field.name;
        node.fieldSpan = field.span;
      }
      return node;
    });
  });

  private window = this.RULE('window', (within: IToken): EventWindow =>
    this.OR([
      {
        ALT: () => {
          const duration = this.SUBRULE(this.duration);
          return this.ACTION((): EventWindow => ({ kind: 'past', duration, span: join(tokenSpan(within), duration.span) }));
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.Next);
          const duration = this.SUBRULE2(this.duration);
          return this.ACTION((): EventWindow => ({ kind: 'next', duration, span: join(tokenSpan(within), duration.span) }));
        },
      },
      {
        ALT: () => {
          const t = this.CONSUME(T.SinceEntry);
          return this.ACTION((): EventWindow => ({ kind: 'since_entry', span: join(tokenSpan(within), tokenSpan(t)) }));
        },
      },
    ]),
  );
}
