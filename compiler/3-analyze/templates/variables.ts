import { suggest } from '../../diagnostics/suggest.ts';
import type { RuleSchema } from '../../contract/core/rule-paths.ts';
import {
  BLOCKED_NAMES,
  CONTEXT_ROOTS,
  HERALD_FILTERS,
  HERALD_GLOBALS,
  JOURNEY_ENTRY_KEYS,
  JOURNEY_KEYS,
  RECOMMENDATION_EXTRA_FIELDS,
} from '../../contract/template.ts';
import { builtinFilterNames, childrenOf, isNode, type NjNode } from './nunjucks-ast.ts';
import { MAX_RANGE_ITERATIONS, rangeLength } from './range-bound.ts';
import { messageOf } from '../../diagnostics/catalogue/index.ts';

/**
 * Checks what a template reads against what the render context will hold, by walking nunjucks'
 * own AST: every variable path, filter and tag, with scopes for loop variables, `set` and macros.
 */
export interface TemplateNames {
  customerFields: readonly string[];
  itemFields: readonly string[];
  traits: readonly string[];
  models: readonly string[];
  segments: readonly string[];
  /** What `rule("…")` conditions may read; without it, a template using rule() is an error. */
  ruleSchema?: RuleSchema;
}

export interface VariableProblem {
  code: 'HL350' | 'HL352' | 'HL354' | 'HL358' | 'HL359' | 'HL425';
  message: string;
  /** 0-based line and column in the parsed text. */
  line: number;
  column: number;
  length: number;
  help?: string;
}

export interface VariableReport {
  problems: VariableProblem[];
  /** Context paths read, two levels deep (`customer.first_name`, `recommendations`). */
  paths: Set<string>;
}

/** What a local variable holds, when it matters for checking: one recommended or cart item. */
type LocalKind = 'item' | 'any';

const FILTERS = new Set([...builtinFilterNames(), ...HERALD_FILTERS]);
const GLOBALS = new Set<string>(HERALD_GLOBALS);
const ROOTS = new Set<string>(CONTEXT_ROOTS);
const SCALAR_ROOTS = new Set(['unsubscribe_url', 'preferences_url', 'message_id']);
const LOADING_TAGS: Record<string, string> = { Include: 'include', Extends: 'extends', Import: 'import', FromImport: 'from' };

export interface Part {
  name: string | number;
  node: NjNode;
}

export function checkVariables(ast: NjNode, names: TemplateNames): VariableReport {
  const report: VariableReport = { problems: [], paths: new Set() };
  const itemFields = new Set([...names.itemFields, ...RECOMMENDATION_EXTRA_FIELDS]);

  const problem = (code: VariableProblem['code'], node: NjNode, message: string, length: number, help?: string) => {
    const p: VariableProblem = { code, message, line: node.lineno, column: node.colno, length };
    if (help) p.help = help;
    report.problems.push(p);
  };
  const didYouMean = (input: string, candidates: Iterable<string>) => {
    const s = suggest(input, candidates);
    return s ? `did you mean "${s}"?` : undefined;
  };

  const checkMember = (part: Part | undefined, allowed: Iterable<string>, what: string, hint: string) => {
    if (!part || typeof part.name !== 'string') return;
    const set = new Set(allowed);
    if (set.has(part.name)) return;
    const help = didYouMean(part.name, set) ?? hint;
    problem('HL350', part.node, messageOf('HL350', { form: 'unknown', what, name: part.name }), part.name.length, help);
  };

  const checkItem = (parts: Part[], from: number, owner: string) => {
    const p = parts[from];
    if (p && typeof p.name === 'string') {
      checkMember(p, itemFields, `item field (in ${owner})`, 'items have the fields of `items` in herald.yaml, plus id and score');
    }
  };

  /** A name the workspace declares at this place of a context path (`customer.constructor` for a field so named). */
  const declared = (parts: Part[], i: number, scopes: Array<Map<string, LocalKind>>): boolean => {
    const root = String(parts[0]!.name);
    const name = parts[i]!.name;
    if (typeof name !== 'string') return false;
    const local = lookupLocal(scopes, root);
    if (local !== undefined) return local === 'item' && i === 1 && itemFields.has(name);
    if (root === 'recommendations') return i === 2 && itemFields.has(name);
    if (root === 'journey') return i === 4 && parts[1]?.name === 'entry' && parts[2]?.name === 'items' && itemFields.has(name);
    if (i !== 1) return false;
    if (root === 'customer') return names.customerFields.includes(name);
    if (root === 'traits') return names.traits.includes(name);
    return (root === 'scores' || root === 'tiers') && names.models.includes(name);
  };

  const checkPath = (parts: Part[], scopes: Array<Map<string, LocalKind>>) => {
    for (const [i, p] of parts.entries()) {
      if (typeof p.name === 'string' && BLOCKED_NAMES.has(p.name) && !declared(parts, i, scopes)) {
        problem('HL358', p.node, messageOf('HL358', { name: p.name }), p.name.length, 'templates only read the render context');
        return;
      }
    }
    const root = parts[0]!;
    const rootName = String(root.name);
    const local = lookupLocal(scopes, rootName);
    if (local !== undefined) {
      if (local === 'item') checkItem(parts, 1, rootName);
      return;
    }
    if (GLOBALS.has(rootName)) return;
    if (!ROOTS.has(rootName)) {
      const candidates = [...ROOTS, ...GLOBALS, ...scopes.flatMap((s) => [...s.keys()])];
      problem(
        'HL350',
        root.node,
        messageOf('HL350', { form: 'unknown-variable', rootName }),
        rootName.length,
        didYouMean(rootName, candidates) ?? `the render context holds ${CONTEXT_ROOTS.join(', ')}`,
      );
      return;
    }
    const second = parts[1];
    report.paths.add(
      second && typeof second.name === 'string' && !SCALAR_ROOTS.has(rootName) && rootName !== 'recommendations' && rootName !== 'segments'
        ? `${rootName}.${second.name}`
        : rootName,
    );
    switch (rootName) {
      case 'customer':
        checkMember(second, ['id', ...names.customerFields], 'customer field', 'add the field to customers.fields in herald.yaml');
        break;
      case 'traits':
        checkMember(second, names.traits, 'trait', 'traits are the names of Trait definitions');
        break;
      case 'scores':
      case 'tiers':
        checkMember(second, names.models, 'model', `${rootName} are keyed by Model name`);
        break;
      case 'journey':
        checkMember(second, JOURNEY_KEYS, 'journey key', `journey has ${JOURNEY_KEYS.join(', ')}`);
        if (second?.name === 'entry') {
          checkMember(parts[2], JOURNEY_ENTRY_KEYS, 'journey entry key', `journey.entry has ${JOURNEY_ENTRY_KEYS.join(', ')}`);
          if (parts[3] && typeof parts[3].name === 'number' && parts[2]?.name === 'items') checkItem(parts, 4, 'journey.entry.items');
        }
        break;
      case 'recommendations':
        if (second && typeof second.name === 'number') checkItem(parts, 2, 'recommendations');
        break;
      default:
        if (SCALAR_ROOTS.has(rootName) && second && typeof second.name === 'string' && !['length'].includes(second.name)) {
          problem('HL350', second.node, messageOf('HL350', { form: 'string-has', rootName, name: second.name }), second.name.length);
        }
    }
  };

  /** What iterating `arr` yields, when known. */
  const kindOfIterable = (arr: NjNode): LocalKind => {
    const parts = chainOf(arr);
    if (!parts) return 'any';
    const path = parts.map((p) => p.name).join('.');
    return path === 'recommendations' || path === 'journey.entry.items' ? 'item' : 'any';
  };

  /** How many times the code being visited runs, from the enclosing `range()` loops with constant bounds. */
  let enclosingRanges = 1;
  const visit = (node: NjNode, scopes: Array<Map<string, LocalKind>>): void => {
    switch (node.typename) {
      case 'Symbol':
      case 'LookupVal': {
        const parts = chainOf(node);
        if (parts) return checkPath(parts, scopes);
        // A member of something that is not a context path (`"".constructor`, `cycler().next`,
        // `x[key]`): a blocked name is refused whatever it is read from; then both sides are checked.
        const val = node.val as NjNode;
        if (val.typename === 'Literal' && typeof val.value === 'string' && BLOCKED_NAMES.has(val.value)) {
          problem('HL358', val, messageOf('HL358', { name: val.value }), val.value.length, 'templates only read the render context');
          return;
        }
        visit(node.target as NjNode, scopes);
        visit(node.val as NjNode, scopes);
        return;
      }
      case 'Filter':
      case 'FilterAsync': {
        const name = node.name as NjNode;
        const filter = String(name.value);
        if (!FILTERS.has(filter)) {
          problem(
            'HL354',
            name,
            messageOf('HL354', { filter }),
            filter.length,
            didYouMean(filter, FILTERS) ?? 'see `herald explain-code HL354` for the filters templates can use',
          );
        }
        visit(node.args as NjNode, scopes);
        return;
      }
      case 'Is':
        // `x is defined`: the right side names a test, not a variable.
        visit(node.left as NjNode, scopes);
        return;
      case 'Pair':
        if (isNode(node.key) && (node.key as NjNode).typename !== 'Symbol') visit(node.key as NjNode, scopes);
        visit(node.value as NjNode, scopes);
        return;
      case 'In': {
        const left = node.left as NjNode;
        const right = node.right as NjNode;
        if (
          left.typename === 'Literal' &&
          typeof left.value === 'string' &&
          right.typename === 'Symbol' &&
          right.value === 'segments' &&
          !lookupLocal(scopes, 'segments')
        ) {
          if (!names.segments.includes(left.value)) {
            problem(
              'HL350',
              left,
              messageOf('HL350', { form: 'unknown-segment', value: left.value }),
              left.value.length + 2,
              didYouMean(left.value, names.segments) ?? 'segments holds the names of Segment definitions',
            );
          }
        }
        visit(left, scopes);
        visit(right, scopes);
        return;
      }
      case 'For':
      case 'AsyncEach':
      case 'AsyncAll': {
        visit(node.arr as NjNode, scopes);
        const iterated = chainOf(node.arr as NjNode);
        if (iterated && lookupLocal(scopes, String(iterated[0]!.name)) === undefined && isScalarPath(iterated.map((p) => p.name))) {
          const path = iterated.map((p) => p.name).join('.');
          problem(
            'HL352',
            node.arr as NjNode,
            messageOf('HL352', { path }),
            path.length,
            'loop over recommendations, segments or journey.entry.items',
          );
        }
        const inner = new Map<string, LocalKind>([['loop', 'any']]);
        const target = node.name as NjNode;
        if (target.typename === 'Symbol') inner.set(String(target.value), kindOfIterable(node.arr as NjNode));
        else for (const s of childrenOf(target)) if (s.typename === 'Symbol') inner.set(String(s.value), 'any');
        // Nested range() loops multiply: range(1000) inside range(1000) is a million iterations.
        const outer = enclosingRanges;
        const arr = node.arr as NjNode;
        const count =
          arr.typename === 'FunCall' && (arr.name as NjNode).typename === 'Symbol' && (arr.name as NjNode).value === 'range'
            ? rangeLength(childrenOf(arr.args as NjNode))
            : undefined;
        // A loop already reported stays out of the product, so its body is not reported again.
        if (count !== undefined && outer * count <= MAX_RANGE_ITERATIONS) enclosingRanges = outer * Math.max(count, 1);
        visit(node.body as NjNode, [...scopes, inner]);
        enclosingRanges = outer;
        if (isNode(node.else_)) visit(node.else_, scopes);
        return;
      }
      case 'Set': {
        if (isNode(node.value)) visit(node.value, scopes);
        if (isNode(node.body)) visit(node.body, scopes);
        for (const t of node.targets as NjNode[]) if (t.typename === 'Symbol') scopes[scopes.length - 1]!.set(String(t.value), 'any');
        return;
      }
      case 'Macro':
      case 'Caller': {
        const inner = new Map<string, LocalKind>([['caller', 'any']]);
        if (node.typename === 'Macro') scopes[scopes.length - 1]!.set(String((node.name as NjNode).value), 'any');
        for (const arg of childrenOf(node.args as NjNode)) {
          if (arg.typename === 'Symbol') inner.set(String(arg.value), 'any');
          else if (arg.typename === 'KeywordArgs') {
            for (const pair of childrenOf(arg)) {
              inner.set(String((pair.key as NjNode).value), 'any');
              visit(pair.value as NjNode, scopes);
            }
          }
        }
        visit(node.body as NjNode, [...scopes, inner]);
        return;
      }
      case 'FunCall': {
        const callee = node.name as NjNode;
        if (callee.typename === 'Symbol' && callee.value === 'range' && lookupLocal(scopes, 'range') === undefined) {
          const count = rangeLength(childrenOf(node.args as NjNode));
          if (count !== undefined && count * enclosingRanges > MAX_RANGE_ITERATIONS) {
            const nested =
              enclosingRanges > 1
                ? ` inside loops over ${enclosingRanges} values, ${count * enclosingRanges} iterations in all`
                : ' values';
            problem(
              'HL425',
              callee,
              messageOf('HL425', { count, nested, MAX_RANGE_ITERATIONS }),
              'range'.length,
              'loop over the list itself, or a bounded range',
            );
          }
        }
        visit(node.name as NjNode, scopes);
        for (const arg of childrenOf(node.args as NjNode)) {
          if (arg.typename === 'KeywordArgs') for (const pair of childrenOf(arg)) visit(pair.value as NjNode, scopes);
          else visit(arg, scopes);
        }
        return;
      }
      default:
        if (node.typename in LOADING_TAGS) {
          const tag = LOADING_TAGS[node.typename]!;
          problem('HL359', node, messageOf('HL359', { tag }), tag.length, 'share markup with a layout or <mj-include path="…" />');
          return;
        }
        for (const child of childrenOf(node)) visit(child, scopes);
    }
  };

  visit(ast, [new Map()]);
  return report;
}

/** Context paths that always hold a single value (a string, number or date), never a list. */
function isScalarPath(path: Array<string | number>): boolean {
  const [root, second] = path;
  if (path.length === 1) return SCALAR_ROOTS.has(String(root));
  if (path.length !== 2) return false;
  if (root === 'customer' || root === 'scores' || root === 'tiers') return true;
  return root === 'journey' && (second === 'name' || second === 'step');
}

function lookupLocal(scopes: Array<Map<string, LocalKind>>, name: string): LocalKind | undefined {
  for (let i = scopes.length - 1; i >= 0; i--) {
    const k = scopes[i]!.get(name);
    if (k !== undefined) return k;
  }
  return undefined;
}

/** `a.b[0].c` as parts, when every member is a literal; undefined for dynamic members. */
export function chainOf(node: NjNode): Part[] | undefined {
  if (node.typename === 'Symbol') return [{ name: String(node.value), node }];
  if (node.typename !== 'LookupVal') return undefined;
  const val = node.val as NjNode;
  if (val.typename !== 'Literal' || (typeof val.value !== 'string' && typeof val.value !== 'number')) return undefined;
  const head = chainOf(node.target as NjNode);
  return head ? [...head, { name: val.value as string | number, node: val }] : undefined;
}
