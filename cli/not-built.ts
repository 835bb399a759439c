import type { Command } from './command.ts';
import { EXIT_USAGE } from './command.ts';

/** A command of the design that does not exist yet: it says so plainly and exits 2. */
export function notBuilt(name: string, summary: string, usage: string): Command {
  return {
    name,
    summary,
    // `herald <name> --help` prints the usage: it must say the command does not exist yet.
    usage: `${usage}\n\n(not built yet)`,
    async run(argv, io) {
      if (argv.includes('--help') || argv.includes('-h')) {
        io.stdout.write(`${usage}\n\n(not built yet)\n`);
        return 0;
      }
      io.stderr.write(`herald ${name}: this command is not built yet in this version of Herald.\n`);
      return EXIT_USAGE;
    },
  };
}
