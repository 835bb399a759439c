import type { Expr, PathExpr, Span } from '../../contract/core/ast.ts';
import type { RuleScope } from '../../dsl/scope.ts';
import { diag } from '../../diagnostics/make.ts';
import type { Range } from '../../diagnostics/diagnostic.ts';
import { ruleRange, type RuleSite } from '../../1-load/rules.ts';
import type { Kind } from '../../contract/definition.ts';
import type { PathTarget } from './facts.ts';
import type { RuleEnvironment } from './environment.ts';
import type { RuleType } from './types.ts';
import type { DiagnosticCode } from '../../contract/diagnostic.ts';

export type Visit = (state: CheckState, expr: Expr) => RuleType;

/** The mutable state of checking one rule; visitors (one per node kind) read and extend it. */
export class CheckState {
  readonly types = new Map<Expr, RuleType>();
  readonly targets = new Map<PathExpr, PathTarget>();
  readonly uses: Array<{ kind: 'Trait' | 'Segment' | 'Model'; name: string }> = [];
  errors = 0;
  /** Inside an aggregate's `where` (or an event-scope rule): the event type whose properties paths name. */
  eventContext: string | undefined;
  /** True inside an aggregate's `where`: nested aggregates and customer names are not available there. */
  inFilter = false;

  constructor(
    readonly site: RuleSite,
    readonly scope: RuleScope,
    readonly env: RuleEnvironment,
    private readonly visit: Visit,
  ) {}

  check(expr: Expr): RuleType {
    const type = this.visit(this, expr);
    this.types.set(expr, type);
    return type;
  }

  range(span: Span): Range {
    return ruleRange(this.site, span);
  }

  error(code: DiagnosticCode, message: string, span: Span, help?: string): void {
    this.errors++;
    const details: Parameters<typeof diag>[2] = { file: this.site.doc.file.path, range: this.range(span) };
    if (help !== undefined) details.help = help;
    this.env.report(diag(code, message, details));
  }

  /** Declares a use of another definition; false (and reported by the context) when it does not exist. */
  reference(kind: 'Trait' | 'Segment' | 'Model', name: string, span: Span): boolean {
    const found = this.env.reference(kind as Kind, name, this.range(span));
    if (found && !this.uses.some((u) => u.kind === kind && u.name === name)) this.uses.push({ kind, name });
    return found;
  }

  /** Customer-level names (fields, traits, aggregates, segments, models) are visible here. */
  get customerScope(): boolean {
    return (this.scope === 'customer' || this.scope === 'model-label' || this.scope === 'journey') && !this.inFilter;
  }
}

/** `did you mean "x"?` or undefined. */
export function didYouMean(suggestion: string | undefined): string | undefined {
  return suggestion === undefined ? undefined : `did you mean \`${suggestion}\`?`;
}
