import type { Expr } from '../contract/core/ast.ts';
import { childExprs } from '../contract/core/children.ts';

/**
 * The deepest expression tree a rule may have. Syntax nesting is capped at MAX_NESTING, but an
 * arithmetic chain (`a + b + c ...`) nests one level per term, and the backends, the manifest's
 * JSON and structured cloning all recurse over the tree: past a few thousand levels they overflow
 * the stack. 500 leaves a wide margin (and long `and`/`or` chains are balanced, so they stay low).
 */
export const MAX_TREE_DEPTH = 500;

/** The first node found deeper than `max` (iterative: the check itself must not overflow). */
export function tooDeep(root: Expr, max = MAX_TREE_DEPTH): Expr | undefined {
  const stack: Array<[Expr, number]> = [[root, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (depth > max) return node;
    for (const child of childExprs(node)) stack.push([child, depth + 1]);
  }
  return undefined;
}
