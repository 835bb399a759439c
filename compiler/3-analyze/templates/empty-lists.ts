import { CONTEXT_ROOTS } from '../../contract/template.ts';
import { childrenOf, isNode, type NjNode } from './nunjucks-ast.ts';
import { chainOf } from './variables.ts';
import { messageOf } from '../../diagnostics/catalogue/index.ts';

/**
 * HL344: a loop over a list from the render context (`recommendations`, `journey.entry.items`, a
 * list trait) that says nothing when the list is empty. A basket email whose basket is empty, or a
 * "picked for you" block with no picks, reads as a promise the email does not keep. A loop counts
 * as handled when it has an `{% else %}` branch, or when it sits inside an `{% if %}` whose
 * condition reads the same list (`{% if journey.entry.items %}`, `{% if recommendations | length %}`),
 * where the template decides what to show instead.
 */
export interface EmptyListProblem {
  code: 'HL344';
  message: string;
  /** 0-based line and column in the parsed text. */
  line: number;
  column: number;
  length: number;
  help: string;
}

const ROOTS = new Set<string>(CONTEXT_ROOTS);

export function checkEmptyLists(ast: NjNode): EmptyListProblem[] {
  const problems: EmptyListProblem[] = [];
  const visit = (node: NjNode, guards: ReadonlySet<string>, locals: ReadonlySet<string>): void => {
    if (node.typename === 'If' || node.typename === 'IfAsync' || node.typename === 'InlineIf') {
      const tested = new Set(guards);
      for (const p of listPaths(node.cond as NjNode, locals)) tested.add(p);
      if (isNode(node.cond)) visit(node.cond, guards, locals);
      if (isNode(node.body)) visit(node.body, tested, locals);
      // The else branch runs when the test failed: there the list may well be empty, as before.
      if (isNode(node.else_)) visit(node.else_, guards, locals);
      return;
    }
    if (node.typename === 'For' || node.typename === 'AsyncEach' || node.typename === 'AsyncAll') {
      const iterated = listPaths(node.arr as NjNode, locals)[0];
      if (iterated !== undefined && !isNode(node.else_) && !guards.has(iterated)) {
        const at = firstChain(node.arr as NjNode) ?? (node.arr as NjNode);
        problems.push({
          code: 'HL344',
          message: messageOf('HL344', { iterated }),
          line: at.lineno,
          column: at.colno,
          length: iterated.length,
          help: `say what an empty list shows: {% for … in ${iterated} %}…{% else %}…{% endfor %}, or wrap the block in {% if ${iterated} %}…{% endif %}`,
        });
      }
      const inner = new Set(locals);
      const target = node.name as NjNode;
      if (target.typename === 'Symbol') inner.add(String(target.value));
      else for (const s of childrenOf(target)) if (s.typename === 'Symbol') inner.add(String(s.value));
      inner.add('loop');
      if (isNode(node.body)) visit(node.body, guards, inner);
      if (isNode(node.else_)) visit(node.else_, guards, locals);
      return;
    }
    for (const child of childrenOf(node)) visit(child, guards, locals);
  };
  visit(ast, new Set(), new Set());
  return problems;
}

/** Context paths (`journey.entry.items`) read in an expression, outermost first; loop locals are not the context. */
function listPaths(node: NjNode | undefined, locals: ReadonlySet<string>): string[] {
  if (!isNode(node)) return [];
  const chain = chainOf(node);
  if (chain) {
    const root = String(chain[0]!.name);
    return ROOTS.has(root) && !locals.has(root) && chain.length > 0 ? [chain.map((p) => p.name).join('.')] : [];
  }
  return childrenOf(node).flatMap((c) => listPaths(c, locals));
}

function firstChain(node: NjNode): NjNode | undefined {
  if (chainOf(node)) return node.typename === 'LookupVal' ? leftmost(node) : node;
  for (const c of childrenOf(node)) {
    const found = firstChain(c);
    if (found) return found;
  }
  return undefined;
}

function leftmost(node: NjNode): NjNode {
  return node.typename === 'LookupVal' ? leftmost(node.target as NjNode) : node;
}
