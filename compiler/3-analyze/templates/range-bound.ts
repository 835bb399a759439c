import type { NjNode } from './nunjucks-ast.ts';

/**
 * How many values a `range()` call may yield when its bounds are written in the template. A
 * template loop is for a handful of products or rows; `range(0, 10000000)` renders gigabytes per
 * recipient, so a bound known at compile time is checked here (render time caps the output too).
 */
export const MAX_RANGE_ITERATIONS = 10_000;

/** The number a constant expression (`5`, `-2`, `10 * 1000`) stands for; undefined when not constant. */
function constantOf(node: NjNode): number | undefined {
  switch (node.typename) {
    case 'Literal':
      return typeof node.value === 'number' ? node.value : undefined;
    case 'Neg':
    case 'Pos': {
      const v = constantOf(node.target as NjNode);
      return v === undefined ? undefined : node.typename === 'Neg' ? -v : v;
    }
    case 'Add':
    case 'Sub':
    case 'Mul':
    case 'Pow': {
      const l = constantOf(node.left as NjNode);
      const r = constantOf(node.right as NjNode);
      if (l === undefined || r === undefined) return undefined;
      if (node.typename === 'Add') return l + r;
      if (node.typename === 'Sub') return l - r;
      if (node.typename === 'Mul') return l * r;
      return l ** r;
    }
    default:
      return undefined;
  }
}

/**
 * How many values `range(args…)` yields (nunjucks' range: stop; start, stop; start, stop, step),
 * when every argument is a constant; undefined when one is not known before render.
 */
export function rangeLength(args: readonly NjNode[]): number | undefined {
  if (args.length === 0 || args.length > 3) return undefined;
  const values = args.map(constantOf);
  if (values.some((v) => v === undefined || !Number.isFinite(v))) return undefined;
  const [a, b, c] = values as number[];
  const [start, stop, step] = args.length === 1 ? [0, a!, 1] : [a!, b!, c ?? 1];
  if (step === 0) return undefined;
  const count = Math.ceil((stop - start) / step);
  return count > 0 ? count : 0;
}
