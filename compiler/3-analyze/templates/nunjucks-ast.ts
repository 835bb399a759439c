import nunjucks from 'nunjucks';

/**
 * A thin typed view of nunjucks' parser output (the package ships no types for it). Every node
 * has a `typename`, 0-based `lineno`/`colno`, and `fields` naming its child properties.
 */
export interface NjNode {
  typename: string;
  lineno: number;
  colno: number;
  fields: string[];
  [field: string]: unknown;
}

export class NunjucksSyntaxError extends Error {
  constructor(
    message: string,
    /** 0-based line and column in the parsed text, when nunjucks knows them. */
    readonly line?: number,
    readonly column?: number,
  ) {
    super(message);
  }
}

interface Parser {
  parse(src: string, extensions?: unknown[], opts?: Record<string, unknown>): NjNode;
}

const parser = (nunjucks as unknown as { parser: Parser }).parser;

/** Parses nunjucks source; throws NunjucksSyntaxError (never another error type). */
export function parseNunjucks(src: string): NjNode {
  let ast: NjNode;
  try {
    ast = parser.parse(src, [], {});
  } catch (e) {
    const err = e as { message?: string; lineno?: number; colno?: number };
    const message = String(err.message ?? e)
      .replace(/^\(unknown path\)\s*/, '')
      .replace(/^\[Line \d+, Column \d+\]\s*/, '')
      .trim();
    const line = typeof err.lineno === 'number' ? err.lineno - 1 : undefined;
    const column = typeof err.colno === 'number' ? Math.max(0, err.colno - 1) : undefined;
    throw new NunjucksSyntaxError(message, line, column);
  }
  const hole = findMissingOperand(ast);
  if (hole) throw new NunjucksSyntaxError(`expected a value before "${hole.operator}"`, hole.node.lineno, hole.node.colno);
  return ast;
}

/**
 * nunjucks' parser accepts a postfix `.x`, `[i]` or `(…)` after a character it cannot read (`{{#.a }}`)
 * and leaves the missing value as null; every later walk expects a node there, so it is a syntax error.
 */
function findMissingOperand(node: NjNode): { node: NjNode; operator: string } | undefined {
  if (node.typename === 'LookupVal' && !isNode(node.target)) {
    const val = node.val as { typename?: string; value?: unknown } | undefined;
    return { node, operator: val?.typename === 'Literal' && typeof val.value === 'string' ? '.' : '[' };
  }
  if (node.typename === 'FunCall' && !isNode(node.name)) return { node, operator: '(' };
  for (const child of childrenOf(node)) {
    const found = findMissingOperand(child);
    if (found) return found;
  }
  return undefined;
}

export function isNode(value: unknown): value is NjNode {
  return typeof value === 'object' && value !== null && typeof (value as NjNode).typename === 'string';
}

/** The child nodes of a node, in field order (NodeList children included). */
export function childrenOf(node: NjNode): NjNode[] {
  const out: NjNode[] = [];
  for (const field of node.fields) {
    const value = node[field];
    if (isNode(value)) out.push(value);
    else if (Array.isArray(value)) for (const v of value) if (isNode(v)) out.push(v);
  }
  if (Array.isArray(node.children)) for (const v of node.children) if (isNode(v) && !out.includes(v)) out.push(v);
  return out;
}

/** nunjucks' built-in filter names. */
export function builtinFilterNames(): string[] {
  const env = new nunjucks.Environment([], { autoescape: true });
  return Object.keys((env as unknown as { filters: Record<string, unknown> }).filters);
}
