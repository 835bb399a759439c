import type { CliIO } from './command.ts';
import { EXIT_USAGE } from './command.ts';
import { exitCodeOf } from './failure.ts';
import { commands, findCommand, loadAllCommands } from './commands/index.ts';
import { suggest } from '../compiler/diagnostics/suggest.ts';
import { HERALD_VERSION } from '../compiler/contract/version.ts';

async function helpText(): Promise<string> {
  const all = await loadAllCommands();
  const width = Math.max(...all.map((c) => c.name.length));
  const lines = all.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return [
    'herald: campaigns as code (segments, models, templates and journeys compiled from YAML)',
    '',
    'usage: herald <command> [workspace dir] [options]',
    '',
    'commands:',
    ...lines,
    '',
    'common options: --db URL, --as-of TIME, --format FORMAT, --help',
    'exit codes: 0 ok, 1 the definitions or data have errors, 2 usage or internal error',
  ].join('\n');
}

/** The CLI entry: dispatches to a command and maps every outcome to an exit code. */
export async function main(argv: string[], io: CliIO = defaultIO()): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(`${await helpText()}\n`);
    return name === undefined ? EXIT_USAGE : 0;
  }
  if (name === '--version' || name === '-v') {
    io.stdout.write(`${HERALD_VERSION}\n`);
    return 0;
  }
  const entry = findCommand(name);
  if (!entry) {
    const hint = suggest(
      name,
      commands.map((c) => c.name),
    );
    io.stderr.write(`herald: unknown command "${name}"${hint ? `; did you mean "${hint}"?` : ''}\nrun \`herald --help\` for the list\n`);
    return EXIT_USAGE;
  }
  try {
    const command = await entry.load();
    if (rest.includes('--help') || rest.includes('-h')) {
      io.stdout.write(`${command.usage}\n\n${command.summary}\n`);
      return 0;
    }
    return await command.run(rest, io);
  } catch (e) {
    return exitCodeOf(name, e, io);
  }
}

function defaultIO(): CliIO {
  return { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, cwd: process.cwd(), env: process.env };
}
