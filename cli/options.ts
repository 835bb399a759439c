import { parseArgs } from 'node:util';
import { UsageError } from './command.ts';

/**
 * Each command declares its options once, in a table: the parser (node:util parseArgs) and the
 * `herald <command> --help` text are both generated from it, so the help cannot drift from what
 * the command accepts.
 */
export interface OptionDef {
  /** The value's placeholder (`DIR`, `URL`); an option without one is a flag. */
  arg?: string;
  /** The allowed values, shown in the synopsis instead of `arg` (`pretty|json`). */
  values?: readonly string[];
  /** What the option does, in words (wrapped in the help). */
  description: string;
  /** The value when the option is not given, as the help shows it. */
  default?: string;
  /** May be given several times (the values come as a list). */
  multiple?: boolean;
  /** Must be given (shown without brackets in the synopsis; the command checks it). */
  required?: boolean;
  short?: string;
  /** Parsed, but described elsewhere in the help (e.g. `herald new`'s flags, listed per kind). */
  hidden?: boolean;
}

export type OptionTable = Readonly<Record<string, OptionDef>>;

/**
 * Options every command accepts (as it always has), shown in a command's help only where its
 * table declares them with their own meaning there.
 */
const COMMON = ['db', 'as-of', 'format'] as const;

type ValueOf<D> = D extends { arg: string } | { values: readonly string[] } ? (D extends { multiple: true } ? string[] : string) : boolean;
export type OptionValues<T extends OptionTable> = { [K in keyof T]?: ValueOf<T[K]> } & { [K in (typeof COMMON)[number]]?: string } & {
  help?: boolean;
};

export interface ParsedOptions<T extends OptionTable> {
  values: OptionValues<T>;
  positionals: string[];
}

/** The command line by the table (plus the common options and --help); mistakes become UsageError (exit 2, no stack trace). */
export function parseOptions<T extends OptionTable>(argv: string[], table: T): ParsedOptions<T> {
  const options: Record<string, { type: 'string' | 'boolean'; multiple?: boolean; short?: string }> = {
    help: { type: 'boolean', short: 'h' },
  };
  for (const name of COMMON) options[name] = { type: 'string' };
  for (const [name, def] of Object.entries(table)) {
    options[name] = {
      type: def.arg !== undefined || def.values !== undefined ? 'string' : 'boolean',
      ...(def.multiple ? { multiple: true } : {}),
      ...(def.short ? { short: def.short } : {}),
    };
  }
  try {
    const parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
    return { values: parsed.values as OptionValues<T>, positionals: parsed.positionals };
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

export interface UsageSpec {
  /** The command's name: `herald <name>`. */
  name: string;
  /** Its arguments as the synopsis shows them: `<template> [dir]`. */
  args?: string;
  options: OptionTable;
  /** What the command does: paragraphs between the synopsis and the options. */
  about?: string;
  /** Anything after the options: notes, exit codes. */
  footer?: string;
}

const WIDTH = 100;

/** `herald <name> --help`: the synopsis, what the command does, then one line (or more) per option. */
export function usageText(spec: UsageSpec): string {
  const entries = Object.entries(spec.options).filter(([, def]) => !def.hidden);
  const head = `herald ${spec.name}${spec.args ? ` ${spec.args}` : ''}`;
  const parts = [wrapWords([head, ...entries.map(([name, def]) => synopsisOf(name, def))], ' '.repeat(Math.min(head.length + 1, 24)))];
  if (spec.about) parts.push(spec.about);
  if (entries.length > 0) {
    const left = entries.map(([name, def]) => `  ${flagOf(name, def)}`);
    const column = Math.max(...left.map((l) => l.length)) + 2;
    const lines = entries.map(([, def], i) => {
      const notes = [...(def.values ? [orList(def.values)] : []), ...(def.default !== undefined ? [`default: ${def.default}`] : [])];
      const text = notes.length > 0 ? `${def.description} (${notes.join('; ')})` : def.description;
      return wrapWords([left[i]!.padEnd(column), ...text.split(' ')], ' '.repeat(column));
    });
    parts.push(lines.join('\n'));
  }
  if (spec.footer) parts.push(spec.footer);
  return parts.join('\n\n');
}

function flagOf(name: string, def: OptionDef): string {
  const short = def.short ? `-${def.short}, ` : '';
  const arg = def.arg ?? (def.values ? name.toUpperCase() : undefined);
  return `${short}--${name}${arg ? ` ${arg}` : ''}`;
}

function synopsisOf(name: string, def: OptionDef): string {
  const arg = def.values ? def.values.join('|') : def.arg;
  const text = `--${name}${arg ? ` ${arg}` : ''}`;
  return `${def.required ? text : `[${text}]`}${def.multiple ? '...' : ''}`;
}

function orList(values: readonly string[]): string {
  return values.length < 2 ? values.join('') : `${values.slice(0, -1).join(', ')} or ${values[values.length - 1]}`;
}

/** Joins words into lines of at most WIDTH columns; continuation lines start with `indent`. */
function wrapWords(words: string[], indent: string): string {
  const lines: string[] = [];
  let line = '';
  for (const word of words) {
    if (line === '') line = word;
    else if (line.endsWith(' ')) line += word;
    else if (line.length + 1 + word.length <= WIDTH) line += ` ${word}`;
    else {
      lines.push(line);
      line = indent + word;
    }
  }
  lines.push(line);
  return lines.join('\n');
}

/** `--db`, as every command that opens the database reads it. */
export const DB_OPTION = {
  arg: 'URL',
  description: 'the database: sqlite:path, sqlite::memory: or postgres://…',
  default: 'HERALD_DATABASE_URL, then herald.yaml',
} as const;
