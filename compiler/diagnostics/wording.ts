/**
 * The words diagnostics use for paths, types and values: shared by the catalogue's message
 * functions and the checks that build help texts.
 */

/** A place inside a document: keys and list indices from its root. */
type ValuePath = readonly (string | number)[];

/** `['spec', 'steps', 'remind', 'send']` → `spec.steps.remind.send`; `['spec', 'given', 0]` → `spec.given[0]`. */
export function displayPath(path: readonly (string | number)[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(part)) out += out === '' ? part : `.${part}`;
    else out += `[${JSON.stringify(part)}]`;
  }
  return out === '' ? 'the document' : out;
}

/** The JSON Schema type names, in the words of YAML users. */
export function typeWord(type: string): string {
  switch (type) {
    case 'object':
      return 'a mapping';
    case 'array':
      return 'a list';
    case 'string':
      return 'a string';
    case 'number':
      return 'a number';
    case 'integer':
      return 'a whole number';
    case 'boolean':
      return 'true or false';
    case 'null':
      return 'empty';
    default:
      return type;
  }
}

/** What a value is, for "expected X, got Y" (never the value itself when it is long or nested). */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'nothing (an empty value)';
  if (Array.isArray(value)) return 'a list';
  switch (typeof value) {
    case 'object':
      return 'a mapping';
    case 'string':
      return `the string ${quote(value)}`;
    case 'number':
      return `the number ${value}`;
    case 'boolean':
      return `${value}`;
    default:
      return typeof value;
  }
}

/** A value quoted for a message, shortened when long. */
export function quote(value: unknown): string {
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  const short = text.length > 60 ? `${text.slice(0, 57)}...` : text;
  return typeof value === 'string' ? JSON.stringify(short) : short;
}

/** "a, b or c" */
export function orList(items: readonly string[]): string {
  if (items.length <= 1) return items[0] ?? '';
  return `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}

/** The last key of a path, or the document. */
export function lastKey(path: ValuePath): string {
  const last = path[path.length - 1];
  return last === undefined ? 'the document' : String(last);
}

/** A best-effort snake_case version of a name (`Lapsed-High Value` → `lapsed_high_value`). */
export function toSnakeCase(name: string): string {
  return (
    name
      .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
      .replace(/[^A-Za-z0-9]+/g, '_')
      .replace(/^_+|_+$/g, '')
      .toLowerCase()
      // A name cannot start with a digit; there is no good automatic fix for that.
      .replace(/^\d.*$/, '')
  );
}
