import { isAlias, isMap, isPair, isScalar, isSeq, type Document, type Node } from 'yaml';
import type { Range } from '../diagnostics/diagnostic.ts';
import type { LoadedDocument } from './parse-file.ts';
import { rangeAt } from './source-file.ts';

/** A path into a document's value, e.g. `['spec', 'steps', 'remind', 'send']` (array indices as numbers or digit strings). */
export type ValuePath = ReadonlyArray<string | number>;

export interface RangeOfPathOptions {
  /** Point at the key of the last path segment instead of its value (e.g. for an unknown key). */
  key?: boolean;
}

/**
 * The source range of the value at `path` inside a loaded document. When the path does not exist
 * (a missing key), the range is the nearest existing parent's key, which is where a reader looks
 * for what is missing. The document root (no key) is pointed at by its first line.
 * Never throws; always returns a range inside the file.
 */
export function rangeOfPath(doc: LoadedDocument, path: ValuePath, options: RangeOfPathOptions = {}): Range {
  const { offsets } = locate(doc.yaml, path, options.key === true);
  const text = doc.file.text;
  const start = offsets[0];
  let end = offsets[1];
  // Block collections end after their trailing newline; stop the range at the last visible character.
  while (end > start && /\s/.test(text[end - 1] ?? '')) end--;
  return rangeAt(doc.file, start, end);
}

/** True when every segment of `path` exists in the document. */
export function pathExists(doc: LoadedDocument, path: ValuePath): boolean {
  return locate(doc.yaml, path, false).complete;
}

interface Located {
  offsets: [number, number];
  complete: boolean;
}

function locate(yaml: Document.Parsed, path: ValuePath, wantKey: boolean): Located {
  // The document itself "by its key" is its first line, not every line of it.
  if (path.length === 0 && wantKey) return { offsets: rootOffsets(yaml, yaml.contents), complete: true };
  let node: unknown = yaml.contents;
  // The key through which `node` was reached (undefined for the root and for sequence items).
  let key: unknown;
  for (const segment of path) {
    const container = resolveAlias(yaml, node);
    let found = false;
    if (isMap(container)) {
      const pair = container.items.find((p) => isPair(p) && keyText(p.key) === String(segment));
      if (pair) {
        found = true;
        key = pair.key;
        node = pair.value;
      }
    } else if (isSeq(container)) {
      const index = typeof segment === 'number' ? segment : /^\d+$/.test(segment) ? Number(segment) : -1;
      if (index >= 0 && index < container.items.length) {
        found = true;
        key = undefined;
        node = container.items[index];
      }
    }
    if (!found) {
      // Missing: the nearest existing parent, by its key when it has one.
      return { offsets: isNodeLike(key) ? nodeOffsets(key, yaml) : rootOffsets(yaml, container), complete: false };
    }
  }
  if (wantKey && isNodeLike(key)) return { offsets: nodeOffsets(key, yaml), complete: true };
  // An alias points at its own text (`*ref`), which is what the reader wrote at this place.
  if (isNodeLike(node) && hasText(node)) return { offsets: nodeOffsets(node, yaml), complete: true };
  if (isNodeLike(key)) return { offsets: nodeOffsets(key, yaml), complete: true };
  return { offsets: rootOffsets(yaml, node), complete: true };
}

/** An empty value (`key:` with nothing after it) has a zero-width range; its key is the better place. */
function hasText(node: Node): boolean {
  return node.range !== undefined && node.range !== null && node.range[1] > node.range[0];
}

function resolveAlias(yaml: Document.Parsed, node: unknown): unknown {
  let current = node;
  for (let i = 0; i < 8 && isAlias(current); i++) current = current.resolve(yaml);
  return current;
}

function keyText(key: unknown): string | undefined {
  if (isScalar(key)) return String(key.value);
  if (typeof key === 'string' || typeof key === 'number') return String(key);
  return undefined;
}

function isNodeLike(value: unknown): value is Node {
  return typeof value === 'object' && value !== null && 'range' in value && Array.isArray((value as Node).range);
}

function nodeOffsets(node: unknown, yaml: Document.Parsed): [number, number] {
  if (!isNodeLike(node) || !node.range) return rootOffsets(yaml, yaml.contents);
  const [start, valueEnd] = node.range;
  return [start, Math.max(start, valueEnd)];
}

/** The document root: from its first character to the end of that line (a whole-document underline helps nobody). */
function rootOffsets(yaml: Document.Parsed, container: unknown): [number, number] {
  const node = isNodeLike(container) ? container : isNodeLike(yaml.contents) ? yaml.contents : undefined;
  if (!node || !node.range) {
    const at = yaml.range[0];
    return [at, at];
  }
  const [start, end] = node.range;
  if (isMap(node) && node.items.length > 0) {
    const first = node.items[0]!;
    if (isNodeLike(first.key) && first.key.range) return [first.key.range[0], first.key.range[1]];
  }
  return [start, Math.max(start, end)];
}
