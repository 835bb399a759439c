import { catalogue, lookupCode } from '../../compiler/diagnostics/catalogue/index.ts';
import { suggest } from '../../compiler/diagnostics/suggest.ts';
import { parseOptions, usageText, type OptionTable } from '../options.ts';
import { EXIT_OK, EXIT_USAGE, UsageError, type Command } from '../command.ts';

const OPTIONS = {
  list: { description: 'list every code with its title' },
} as const satisfies OptionTable;

const USAGE = usageText({
  name: 'explain-code',
  args: '<HLnnn>',
  options: OPTIONS,
  about: `Prints the long explanation of a diagnostic code, or lists every code with its title.`,
});

const WIDTH = 88;

/** Wraps a paragraph at word boundaries, for a terminal. */
export function wrap(text: string, width = WIDTH): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  if (line !== '') lines.push(line);
  return lines.join('\n');
}

export const explainCodeCommand: Command = {
  name: 'explain-code',
  summary: 'print the long explanation of a diagnostic code',
  usage: USAGE,
  options: OPTIONS,
  async run(argv, io) {
    const { values, positionals } = parseOptions(argv, OPTIONS);
    if (values.list) {
      const entries = [...catalogue.values()].sort((a, b) => (a.code < b.code ? -1 : 1));
      for (const e of entries) io.stdout.write(`${e.code}  ${e.severity.padEnd(7)}  ${e.title}\n`);
      return EXIT_OK;
    }
    if (positionals.length !== 1) throw new UsageError('give one code, e.g. `herald explain-code HL205`, or --list');
    const asked = positionals[0]!.trim().toUpperCase();
    const code = /^\d+$/.test(asked) ? `HL${asked}` : asked;
    const entry = lookupCode(code);
    if (!entry) {
      const hint = suggest(code, catalogue.keys());
      io.stderr.write(
        `herald explain-code: unknown code "${positionals[0]}"${hint ? `; did you mean ${hint}?` : ''}\nrun \`herald explain-code --list\` for every code\n`,
      );
      return EXIT_USAGE;
    }
    io.stdout.write(`${entry.code}: ${entry.title} (${entry.severity})\n\n${wrap(entry.explanation)}\n`);
    return EXIT_OK;
  },
};
