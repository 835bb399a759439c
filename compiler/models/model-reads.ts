import type { Expr, CallExpr } from '../contract/core/ast.ts';
import type { Definition } from '../1-load/definition.ts';
import { findRuleSites, type RuleSite } from '../1-load/rules.ts';
import { childExprs } from '../contract/core/children.ts';

/** One `score(m)` / `tier(m)` call in some definition's rule. */
export interface ModelRead {
  fn: 'score' | 'tier';
  model: string;
  site: RuleSite;
  call: CallExpr;
}

const cache = new WeakMap<object, ModelRead[]>();

/**
 * Every score()/tier() call in the definitions' rules (parsed ones only). Cached per definitions
 * map, which one compile run shares, so each Model's emitter does not re-read every rule.
 */
export function modelReads(definitions: ReadonlyMap<string, Definition>): ModelRead[] {
  const cached = cache.get(definitions);
  if (cached) return cached;
  const out: ModelRead[] = [];
  for (const def of definitions.values()) {
    for (const site of findRuleSites(def.doc)) if (site.ast) visit(site.ast, site, out);
  }
  cache.set(definitions, out);
  return out;
}

function visit(expr: Expr, site: RuleSite, out: ModelRead[]): void {
  if (expr.kind === 'call' && (expr.name === 'score' || expr.name === 'tier') && expr.args.length === 1) {
    const arg = expr.args[0]!;
    const model = arg.kind === 'path' && arg.segments.length === 1 ? arg.segments[0] : arg.kind === 'string' ? arg.value : undefined;
    if (model !== undefined) out.push({ fn: expr.name, model, site, call: expr });
  }
  for (const child of childExprs(expr)) visit(child, site, out);
}
