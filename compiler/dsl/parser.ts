import { EmbeddedActionsParser, type IOrAlt, type IToken } from 'chevrotain';
import type { AggregateExpr, AggregateFn, BinaryOp, DurationLiteral, DurationUnit, Expr } from '../contract/core/ast.ts';
import * as T from './tokens.ts';
import { AGGREGATE_FN_SET, MAX_NESTING, aggregateExample } from './grammar.ts';
import { checkTimestamp, decodeNumber, decodeQuotedIdentifier, decodeString, type Decoded } from './literals.ts';
import { NestingTooDeep, type RuleSyntaxError } from './syntax-error.ts';
import { ruleSyntaxMessages } from '../contract/messages/rule-syntax.ts';
import { errorMessages } from './parse-errors.ts';
import { alt, associate, binary, commaSeparated, eventWindow, gatedAlt, join, path, tokenSpan, withTail } from './parser-helpers.ts';
import type { ComparisonTail, Name, WindowTail } from './parser-helpers.ts';

const POSITIVE = { ARGS: [false] as [boolean] };
const NEGATED = { ARGS: [true] as [boolean] };

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
 * Alternatives that capture nothing but the parser are built once and cached (Chevrotain's
 * advice for speed); alternatives return "tails" that the rule combines afterwards, so they need
 * no per-call closure over the rule's locals. Not re-entrant: parseRule() owns the one instance.
 */
export class RuleParser extends EmbeddedActionsParser {
  /** Current nesting, checked against MAX_NESTING. */
  depth = 0;
  /** Bad literals (escapes, dates, numbers) and misused aggregates found while building nodes; reported after the parse. */
  deferredErrors: RuleSyntaxError[] = [];

  private notAlts?: IOrAlt<Expr>[];
  private comparisonAlts?: IOrAlt<ComparisonTail>[];
  private negatedAlts?: IOrAlt<ComparisonTail>[];
  private compareOpAlts?: IOrAlt<IToken>[];
  private additiveAlts?: IOrAlt<IToken>[];
  private multiplicativeAlts?: IOrAlt<IToken>[];
  private unaryAlts?: IOrAlt<Expr>[];
  private primaryAlts?: IOrAlt<Expr>[];
  private callOrPathAlts?: IOrAlt<{ args: Expr[]; close: IToken } | Name[]>[];
  private nameAlts?: IOrAlt<Name>[];
  private windowAlts?: IOrAlt<WindowTail>[];

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
      message: ruleSyntaxMessages.HL132({ literal: result.message }),
      span: { start: token.startOffset + result.at, end: token.startOffset + result.at + Math.max(1, result.length) },
    };
    if (result.help !== undefined) error.help = result.help;
    this.deferredErrors.push(error);
    return fallback;
  }

  public rule = this.RULE('rule', (): Expr => this.SUBRULE(this.orExpr));

  private orExpr = this.RULE('orExpr', (): Expr => {
    const operands = [this.SUBRULE(this.andExpr)];
    this.MANY(() => {
      this.CONSUME(T.Or);
      operands.push(this.SUBRULE2(this.andExpr));
    });
    return this.ACTION(() => associate('or', operands));
  });

  private andExpr = this.RULE('andExpr', (): Expr => {
    const operands = [this.SUBRULE(this.notExpr)];
    this.MANY(() => {
      this.CONSUME(T.And);
      operands.push(this.SUBRULE2(this.notExpr));
    });
    return this.ACTION(() => associate('and', operands));
  });

  private notExpr = this.RULE('notExpr', (): Expr =>
    this.OR(
      (this.notAlts ??= [
        alt(() => {
          const not = this.CONSUME(T.Not);
          this.enter(not);
          const operand = this.SUBRULE(this.notExpr);
          this.depth--;
          return this.ACTION((): Expr => ({ kind: 'unary', op: 'not', operand, span: join(tokenSpan(not), operand.span) }));
        }),
        alt(() => this.SUBRULE(this.comparison)),
      ]),
    ),
  );

  private comparison = this.RULE('comparison', (): Expr => {
    const value = this.SUBRULE(this.additive);
    const tail = this.OPTION(() =>
      this.OR(
        (this.comparisonAlts ??= [
          alt((): ComparisonTail => {
            const op = this.SUBRULE(this.compareOp);
            return { kind: 'compare', op, right: this.SUBRULE2(this.additive) };
          }),
          alt(() => this.SUBRULE(this.inTail, POSITIVE)),
          alt(() => this.SUBRULE(this.betweenTail, POSITIVE)),
          alt(() => {
            this.CONSUME(T.Not);
            return this.OR2(
              (this.negatedAlts ??= [alt(() => this.SUBRULE2(this.inTail, NEGATED)), alt(() => this.SUBRULE2(this.betweenTail, NEGATED))]),
            );
          }),
          alt((): ComparisonTail => {
            this.CONSUME(T.Is);
            const not = this.OPTION2(() => this.CONSUME2(T.Not));
            const end = this.CONSUME(T.Null);
            return this.ACTION((): ComparisonTail => ({ kind: 'is_null', negated: not !== undefined, end: tokenSpan(end) }));
          }),
          alt((): ComparisonTail => {
            this.CONSUME(T.Starts);
            this.CONSUME(T.With);
            return { kind: 'match', op: 'starts_with', pattern: this.SUBRULE3(this.additive) };
          }),
          alt((): ComparisonTail => {
            this.CONSUME(T.Contains);
            return { kind: 'match', op: 'contains', pattern: this.SUBRULE4(this.additive) };
          }),
        ]),
      ),
    );
    return this.ACTION(() => (tail === undefined ? value : withTail(value, tail)));
  });

  private compareOp = this.RULE('compareOp', (): BinaryOp => {
    const t = this.OR(
      (this.compareOpAlts ??= [
        alt(() => this.CONSUME(T.Equals)),
        alt(() => this.CONSUME(T.NotEquals)),
        alt(() => this.CONSUME(T.LessEquals)),
        alt(() => this.CONSUME(T.GreaterEquals)),
        alt(() => this.CONSUME(T.Less)),
        alt(() => this.CONSUME(T.Greater)),
      ]),
    );
    return this.ACTION(() => t.image as BinaryOp);
  });

  private inTail = this.RULE('inTail', (negated: boolean): ComparisonTail => {
    this.CONSUME(T.In);
    return { kind: 'in', negated, list: this.SUBRULE(this.additive) };
  });

  private betweenTail = this.RULE('betweenTail', (negated: boolean): ComparisonTail => {
    this.CONSUME(T.Between);
    const low = this.SUBRULE(this.additive);
    this.CONSUME(T.And);
    return { kind: 'between', negated, low, high: this.SUBRULE2(this.additive) };
  });

  private additive = this.RULE('additive', (): Expr => {
    let left = this.SUBRULE(this.multiplicative);
    this.MANY(() => {
      const op = this.OR((this.additiveAlts ??= [alt(() => this.CONSUME(T.Plus)), alt(() => this.CONSUME(T.Minus))]));
      const right = this.SUBRULE2(this.multiplicative);
      left = this.ACTION(() => binary(op.image as BinaryOp, left, right));
    });
    return left;
  });

  private multiplicative = this.RULE('multiplicative', (): Expr => {
    let left = this.SUBRULE(this.unary);
    this.MANY(() => {
      const op = this.OR((this.multiplicativeAlts ??= [alt(() => this.CONSUME(T.Star)), alt(() => this.CONSUME(T.Slash))]));
      const right = this.SUBRULE2(this.unary);
      left = this.ACTION(() => binary(op.image as BinaryOp, left, right));
    });
    return left;
  });

  private unary = this.RULE('unary', (): Expr =>
    this.OR(
      (this.unaryAlts ??= [
        alt(() => {
          const minus = this.CONSUME(T.Minus);
          this.enter(minus);
          const operand = this.SUBRULE(this.unary);
          this.depth--;
          return this.ACTION((): Expr => ({ kind: 'unary', op: '-', operand, span: join(tokenSpan(minus), operand.span) }));
        }),
        alt(() => this.SUBRULE(this.primary)),
      ]),
    ),
  );

  private primary = this.RULE('primary', (): Expr =>
    this.OR(
      (this.primaryAlts ??= [
        alt(() => {
          const t = this.CONSUME(T.NumberLit);
          return this.ACTION((): Expr => ({ kind: 'number', value: this.decoded(t, decodeNumber(t.image), 0), span: tokenSpan(t) }));
        }),
        alt(() => {
          const t = this.CONSUME(T.StringLit);
          return this.ACTION((): Expr => ({ kind: 'string', value: this.decoded(t, decodeString(t.image), ''), span: tokenSpan(t) }));
        }),
        alt(() => {
          const t = this.CONSUME(T.True);
          return this.ACTION((): Expr => ({ kind: 'boolean', value: true, span: tokenSpan(t) }));
        }),
        alt(() => {
          const t = this.CONSUME(T.False);
          return this.ACTION((): Expr => ({ kind: 'boolean', value: false, span: tokenSpan(t) }));
        }),
        alt(() => {
          const t = this.CONSUME(T.Null);
          return this.ACTION((): Expr => ({ kind: 'null', span: tokenSpan(t) }));
        }),
        alt(() => this.SUBRULE(this.duration)),
        alt(() => {
          const t = this.CONSUME(T.Timestamp);
          return this.ACTION((): Expr => {
            const { dateOnly } = this.decoded(t, checkTimestamp(t.image), { dateOnly: true });
            return { kind: 'timestamp', value: t.image, dateOnly, span: tokenSpan(t) };
          });
        }),
        alt(() => this.SUBRULE(this.list)),
        alt(() => {
          const open = this.CONSUME(T.LParen);
          this.enter(open);
          const inner = this.SUBRULE(this.orExpr);
          const close = this.CONSUME(T.RParen);
          this.depth--;
          // The parentheses belong to the span, so `(a + b)` is underlined whole in errors.
          return this.ACTION((): Expr => ({ ...inner, span: join(tokenSpan(open), tokenSpan(close)) }));
        }),
        // `count(` … is an aggregate, any other `name(` a call: decided by the name itself.
        gatedAlt(
          () => AGGREGATE_FN_SET.has(this.LA(1).image) && this.LA(2).tokenType === T.LParen,
          () => this.SUBRULE(this.aggregate),
        ),
        alt(() => this.SUBRULE(this.callOrPath)),
        alt(() => {
          const first = this.SUBRULE(this.quotedName);
          const rest = this.SUBRULE(this.pathTail);
          return this.ACTION(() => path(first, rest));
        }),
      ]),
    ),
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
    this.MANY_SEP(commaSeparated(() => items.push(this.SUBRULE(this.orExpr))));
    const close = this.CONSUME(T.RBracket);
    this.depth--;
    return this.ACTION((): Expr => ({ kind: 'list', items, span: join(tokenSpan(open), tokenSpan(close)) }));
  });

  private callOrPath = this.RULE('callOrPath', (): Expr => {
    const nameToken = this.CONSUME(T.Identifier);
    const tail = this.OR((this.callOrPathAlts ??= [alt(() => this.SUBRULE(this.callArgs)), alt(() => this.SUBRULE(this.pathTail))]));
    return this.ACTION((): Expr => {
      const first = { name: nameToken.image, span: tokenSpan(nameToken) };
      if (Array.isArray(tail)) return path(first, tail);
      if (AGGREGATE_FN_SET.has(first.name)) {
        // `count()`, `sum(1 + 2)`: an aggregate name whose parentheses do not start with an event type.
        this.deferredErrors.push({
          code: 'HL134',
          message: ruleSyntaxMessages.HL134({ aggregate: first.name, example: aggregateExample(first.name) }),
          span: join(first.span, tokenSpan(tail.close)),
        });
      }
      return { kind: 'call', name: first.name, nameSpan: first.span, args: tail.args, span: join(first.span, tokenSpan(tail.close)) };
    });
  });

  private callArgs = this.RULE('callArgs', (): { args: Expr[]; close: IToken } => {
    const open = this.CONSUME(T.LParen);
    this.enter(open);
    const args: Expr[] = [];
    this.MANY_SEP(commaSeparated(() => args.push(this.SUBRULE(this.orExpr))));
    const close = this.CONSUME(T.RParen);
    this.depth--;
    return { args, close };
  });

  /** The `.b.c` after a path's first name (possibly nothing). */
  private pathTail = this.RULE('pathTail', (): Name[] => {
    const segments: Name[] = [];
    this.MANY(() => {
      this.CONSUME(T.Dot);
      segments.push(this.SUBRULE(this.name));
    });
    return segments;
  });

  private name = this.RULE('name', (): Name =>
    this.OR(
      (this.nameAlts ??= [
        alt(() => {
          const t = this.CONSUME(T.Identifier);
          return this.ACTION(() => ({ name: t.image, span: tokenSpan(t) }));
        }),
        alt(() => this.SUBRULE(this.quotedName)),
      ]),
    ),
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
    let within: IToken | undefined;
    let window: WindowTail | undefined;
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
      within = this.CONSUME(T.Within);
      window = this.SUBRULE(this.window);
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
      if (window && within) node.window = eventWindow(within, window);
      if (field) {
        node.field = field.name;
        node.fieldSpan = field.span;
      }
      return node;
    });
  });

  private window = this.RULE('window', (): WindowTail =>
    this.OR(
      (this.windowAlts ??= [
        alt((): WindowTail => ({ kind: 'past', duration: this.SUBRULE(this.duration) })),
        alt((): WindowTail => {
          this.CONSUME(T.Next);
          return { kind: 'next', duration: this.SUBRULE2(this.duration) };
        }),
        alt((): WindowTail => ({ kind: 'since_entry', token: this.CONSUME(T.SinceEntry) })),
      ]),
    ),
  );
}
