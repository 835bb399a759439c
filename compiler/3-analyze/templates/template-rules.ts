import type { Expr } from '../../contract/core/ast.ts';
import type { RuleSchema } from '../../contract/core/rule-paths.ts';
import { resolvePath } from '../../contract/core/rule-paths.ts';
import { parseRule } from '../../dsl/parse.ts';
import { FUNCTION_NAMES } from '../rules/functions.ts';
import { suggest } from '../../diagnostics/suggest.ts';
import type { TemplateRule } from '../../contract/template.ts';
import { childrenOf, type NjNode } from './nunjucks-ast.ts';
import { messageOf } from '../../diagnostics/catalogue/index.ts';
import type { RuleInTemplateProblem } from '../../diagnostics/catalogue/templates.ts';

/**
 * `{% if rule("rfm.monetary >= 4 and in_segment(\"vip\")") %}`: a rule-DSL condition in a
 * template. Each one is parsed and checked when the template compiles (names against the data
 * model, traits, models and segments), and its AST goes into the compiled template with the few
 * names it reads, so the renderer evaluates it with the rule evaluator and no manifest.
 * A template has no events in its context: a rule there reads fields, traits, segments and
 * scores; conditions on events belong in a Trait.
 */
export interface RuleCall {
  text: string;
  /** The string literal's node (0-based line and column in the parsed text). */
  node: NjNode;
}

export interface RuleProblem {
  message: string;
  node: NjNode;
  /** Offset of the problem inside the rule text, when it is about one part of it. */
  at?: number;
  help?: string;
}

/** Every `rule("…")` call with a literal argument; a call with anything else is a problem. */
export function findRuleCalls(ast: NjNode): { calls: RuleCall[]; problems: RuleProblem[] } {
  const calls: RuleCall[] = [];
  const problems: RuleProblem[] = [];
  const visit = (node: NjNode) => {
    if (node.typename === 'FunCall') {
      const name = node.name as NjNode;
      if (name.typename === 'Symbol' && name.value === 'rule') {
        const args = childrenOf(node.args as NjNode);
        const arg = args[0];
        if (args.length === 1 && arg?.typename === 'Literal' && typeof arg.value === 'string') calls.push({ text: arg.value, node: arg });
        else
          problems.push({
            message: messageOf('HL349', { problem: { form: 'not-a-literal' } }),
            node: name,
            help: 'e.g. {% if rule("rfm.monetary >= 4") %}',
          });
      }
    }
    for (const child of childrenOf(node)) visit(child);
  };
  visit(ast);
  return { calls, problems };
}

/** The names a template rule may use besides the schema: models and segments. */
export interface RuleNames {
  models: readonly string[];
  segments: readonly string[];
}

/** Parses and checks one rule; returns its compiled form or what is wrong with it. */
export function checkRuleCall(call: RuleCall, schema: RuleSchema, names: RuleNames): { rule?: TemplateRule; problems: RuleProblem[] } {
  const parsed = parseRule(call.text);
  if (!parsed.ok)
    return {
      problems: parsed.errors.map((e) => ({
        message: messageOf('HL349', { rule: call.text, problem: { form: 'syntax', reason: e.message } }),
        node: call.node,
        at: e.span.start,
      })),
    };
  const problems: RuleProblem[] = [];
  const reads = { fields: new Set<string>(), traits: new Set<string>() };
  walk(parsed.ast, (e) => {
    const problem = (words: RuleInTemplateProblem, help?: string, at = e.span.start) =>
      problems.push({ message: messageOf('HL349', { rule: call.text, problem: words }), node: call.node, at, ...(help ? { help } : {}) });
    if (e.kind === 'aggregate') {
      problem({ form: 'reads-events', fn: e.fn, event: e.event }, 'compute it in a Trait and read the trait here');
      return false;
    }
    if (e.kind === 'path') {
      try {
        const resolved = resolvePath(e.segments, { kind: 'customer' }, schema);
        if (resolved.kind === 'customer') reads.fields.add(resolved.field);
        else if (resolved.kind === 'trait') reads.traits.add(resolved.trait);
      } catch {
        const joined = e.segments.join('.');
        const hint = suggest(joined, [...Object.keys(schema.dataModel.customers.fields), ...Object.keys(schema.traits)]);
        problem({ form: 'unknown-name', name: joined }, hint ? `did you mean "${hint}"?` : undefined);
      }
    }
    if (e.kind === 'call') {
      if (!(FUNCTION_NAMES as readonly string[]).includes(e.name)) {
        const hint = suggest(e.name, FUNCTION_NAMES);
        problem({ form: 'unknown-function', name: e.name }, hint ? `did you mean "${hint}"?` : undefined);
        return false;
      }
      if (e.name === 'subscribed') {
        problem(
          { form: 'subscribed' },
          'a template with a `topic:` only goes to customers subscribed to it; test subscriptions in the journey or segment that sends it',
        );
        return false;
      }
      const ref = e.name === 'in_segment' ? names.segments : e.name === 'score' || e.name === 'tier' ? names.models : undefined;
      if (ref) {
        const arg = e.args[0];
        const value = arg?.kind === 'string' ? arg.value : arg?.kind === 'path' && arg.segments.length === 1 ? arg.segments[0] : undefined;
        if (value === undefined || !ref.includes(value)) {
          const what = e.name === 'in_segment' ? 'segment' : 'model';
          const hint = value === undefined ? undefined : suggest(value, ref);
          problem(
            { form: 'needs-name', fn: e.name, what, ...(value === undefined ? {} : { value }) },
            hint ? `did you mean "${hint}"?` : undefined,
            arg?.span.start ?? e.span.start,
          );
        }
        return false;
      }
    }
    return true;
  });
  if (problems.length > 0) return { problems };
  return { rule: { text: call.text, ast: parsed.ast, fields: [...reads.fields].sort(), traits: [...reads.traits].sort() }, problems };
}

/** The part of the schema a template's rules read (what the renderer needs to evaluate them). */
export function ruleSchemaFor(rules: readonly TemplateRule[], schema: RuleSchema): RuleSchema {
  const fields = new Set(rules.flatMap((r) => r.fields));
  const traits = new Set(rules.flatMap((r) => r.traits));
  return {
    dataModel: {
      customers: {
        fields: Object.fromEntries(Object.entries(schema.dataModel.customers.fields).filter(([f]) => fields.has(f))),
        mergeByEmail: false,
      },
      events: {},
      items: { fields: {} },
    },
    traits: Object.fromEntries(Object.entries(schema.traits).filter(([t]) => traits.has(t))),
  };
}

/** Visits every sub-expression, parents first; `visit` returns false to skip a node's children. */
function walk(expr: Expr, visit: (e: Expr) => boolean): void {
  if (!visit(expr)) return;
  for (const value of Object.values(expr)) {
    if (Array.isArray(value)) for (const v of value) if (isExpr(v)) walk(v, visit);
    if (isExpr(value)) walk(value, visit);
  }
}

function isExpr(value: unknown): value is Expr {
  return typeof value === 'object' && value !== null && typeof (value as { kind?: unknown }).kind === 'string' && 'span' in value;
}
