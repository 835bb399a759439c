import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { runPipeline } from '../../compiler/index.ts';
import { hasErrors } from '../../compiler/diagnostics/diagnostic.ts';
import { summaryLine } from '../../compiler/diagnostics/format/index.ts';
import { parseOptions, usageText, type OptionTable } from '../options.ts';
import { EXIT_ERRORS, EXIT_OK, EXIT_USAGE, UsageError, type Command } from '../command.ts';
import { displayPath, removeFiles, writeNewFiles } from '../init/files.ts';
import { STARTER_PACKS } from '../init/packs.ts';
import { isPromptCancelled, Prompter } from '../init/prompter.ts';
import { schemaLocation } from '../init/schema-header.ts';
import { askInit } from '../init/wizard.ts';
import { printDiagnostics } from '../print-diagnostics.ts';

const OPTIONS = {
  name: { arg: 'NAME', description: "the workspace's name, snake_case", default: "from the folder's name" },
  database: {
    arg: 'DB',
    description: 'sqlite (an embedded file, .herald/<name>.db) or a PostgreSQL URL (postgres://…)',
    default: 'sqlite',
  },
  timezone: { arg: 'ZONE', description: 'IANA time zone for schedules and dates without a zone', default: "this machine's" },
  starter: {
    values: STARTER_PACKS.map((p) => p.id),
    arg: 'PACK',
    description: STARTER_PACKS.map((p) => `${p.id}: ${p.title}`).join('; '),
    default: 'ecommerce',
  },
  schema: {
    arg: 'PATH|URL',
    description: 'where files point editors for autocomplete',
    default: "node_modules/herald when herald is a dependency of the project, else this herald's schemas",
  },
  force: { description: 'write into a folder that is not empty (existing files are never overwritten)' },
  yes: { short: 'y', description: 'take the default for every question no flag answers' },
} as const satisfies OptionTable;

const USAGE = usageText({
  name: 'init',
  args: '[dir]',
  options: OPTIONS,
  about: `Creates a workspace in dir (default: the current folder), asking on a terminal for what the flags
do not say. Without a terminal (CI) it never asks: pass the flags, or --yes to take the defaults.`,
});

export const initCommand: Command = {
  name: 'init',
  summary: 'create a new workspace',
  usage: USAGE,
  options: OPTIONS,
  async run(argv, io) {
    const { values, positionals } = parseOptions(argv, OPTIONS);
    if (positionals.length > 1) throw new UsageError(`expected at most one folder, got ${positionals.length}`);
    const dir = resolve(io.cwd, positionals[0] ?? '.');
    const shown = displayPath(io.cwd, dir);
    if (existsSync(dir) && !statSync(dir).isDirectory()) throw new UsageError(`${shown} exists and is not a folder`);
    if (existsSync(join(dir, 'herald.yaml')))
      throw new UsageError(`${shown} already holds a workspace (herald.yaml); add definitions with \`herald new\``);
    const prompter = new Prompter(io, values.yes === true);
    try {
      const answers = await askInit(prompter, dir, values);
      const crowded = existsSync(dir) && readdirSync(dir).length > 0;
      if (crowded) {
        const go = await prompter.yesNo({
          flag: 'force',
          message: `${shown} is not empty; add the workspace files to it?`,
          given: values.force,
          default: false,
        });
        prompter.finish();
        if (!go) throw new UsageError(`${shown} is not empty; pass --force to add the workspace to it`);
      }
      prompter.finish();
      const files = answers.pack.files(answers);
      const written = writeNewFiles(dir, files, schemaLocation(dir, values.schema, io.cwd));
      // The promise of a starter pack: it validates as created.
      const check = runPipeline(dir, { emit: false });
      if (hasErrors(check.diagnostics)) {
        printDiagnostics(check.diagnostics, { format: 'brief', io, to: 'stderr' });
        removeFiles(dir, written);
        io.stderr.write('herald init: the new workspace does not validate (above); nothing was kept\n');
        return EXIT_ERRORS;
      }
      io.stdout.write(
        `created workspace ${answers.name} in ${shown} (${answers.pack.title}, ${written.length} files; ${summaryLine(check.diagnostics)})\n`,
      );
      if (answers.passwordRemoved)
        io.stdout.write('the database password was left out of herald.yaml: set PGPASSWORD or HERALD_DATABASE_URL when running\n');
      io.stdout.write(`\nnext:\n${shown === '.' ? '' : `  cd ${shown}\n`}${answers.pack.nextSteps.map((s) => `  ${s}\n`).join('')}`);
      return EXIT_OK;
    } catch (e) {
      if (isPromptCancelled(e)) {
        io.stderr.write('herald init: cancelled; nothing was written\n');
        return EXIT_USAGE;
      }
      throw e;
    }
  },
};
