import type { Range } from '../diagnostics/diagnostic.ts';
import type { DefinitionKey } from '../contract/definition.ts';

/** `Segment/vip` -> `segment vip`: how messages name a definition. */
export function describeKey(key: DefinitionKey): string {
  const slash = key.indexOf('/');
  return `${key.slice(0, slash).toLowerCase()} ${key.slice(slash + 1)}`;
}

/** `file:line:col` for notes that point at a second place. */
export function describeLocation(file: string, range: Range | undefined): string {
  return range ? `${file}:${range.start.line}:${range.start.column}` : file;
}
