import { readFileSync } from 'node:fs';

/**
 * The shell commands the README shows, in the order a reader meets them: every ```sh block, with
 * comments dropped, `\` continuations joined and `a && b` split into separate commands. Each
 * command keeps the README line it comes from, so a failure points at the documentation.
 */
export interface ReadmeCommand {
  line: number;
  /** The command as written (one part of an `&&` chain). */
  text: string;
  /** Its words, quotes removed. */
  argv: string[];
}

export function readmeCommands(path: string): ReadmeCommand[] {
  const lines = readFileSync(path, 'utf8').split('\n');
  const commands: ReadmeCommand[] = [];
  let inBlock = false;
  let pending: { line: number; text: string; open: boolean } | undefined;
  for (const [i, raw] of lines.entries()) {
    if (/^```sh\s*$/.test(raw)) {
      inBlock = true;
      continue;
    }
    if (inBlock && /^```\s*$/.test(raw)) {
      inBlock = false;
      continue;
    }
    if (!inBlock) continue;
    const text = stripComment(raw).trim();
    if (text === '') continue;
    const joined = pending ? `${pending.text}${pending.open ? '\n' : ' '}${text}` : text;
    const line = pending?.line ?? i + 1;
    if (joined.endsWith('\\')) {
      pending = { line, text: joined.slice(0, -1).trim(), open: false };
      continue;
    }
    // A quoted argument may span lines (a JSON body): the command goes on until the quote closes.
    if (openQuote(joined)) {
      pending = { line, text: joined, open: true };
      continue;
    }
    pending = undefined;
    for (const part of joined.split(/\s+&&\s+/)) commands.push({ line, text: part.trim(), argv: words(part) });
  }
  return commands;
}

/** Whether a quote is left open at the end of the text. */
function openQuote(text: string): boolean {
  let quote: string | undefined;
  for (const c of text) {
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
  }
  return quote !== undefined;
}

/** Drops a `# comment` that is not inside quotes. */
function stripComment(line: string): string {
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '#' && (i === 0 || /\s/.test(line[i - 1]!))) return line.slice(0, i);
  }
  return line;
}

/** Splits a command into words as a POSIX shell would for these simple lines (quotes, no expansions). */
export function words(command: string): string[] {
  const out: string[] = [];
  let word: string | undefined;
  let quote: string | undefined;
  for (const c of command.trim()) {
    if (quote) {
      if (c === quote) quote = undefined;
      else word = (word ?? '') + c;
    } else if (c === '"' || c === "'") {
      quote = c;
      word ??= '';
    } else if (/\s/.test(c)) {
      if (word !== undefined) out.push(word);
      word = undefined;
    } else word = (word ?? '') + c;
  }
  if (word !== undefined) out.push(word);
  return out;
}
