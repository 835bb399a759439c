import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { WORKSPACE_FILE } from '../../compiler/1-load/index.ts';
import { runPipeline } from '../../compiler/index.ts';
import { suggest } from '../../compiler/diagnostics/suggest.ts';
import { parseOptions, usageText, type OptionTable } from '../options.ts';
import { EXIT_ERRORS, EXIT_OK, EXIT_USAGE, UsageError, type Command } from '../command.ts';
import { checkName } from '../init/checks.ts';
import { NEW_DEFINITIONS, findNewDefinition, kindNames, type NewDefinition } from '../init/definitions/index.ts';
import { inspectWorkspace, type WorkspaceInfo } from '../init/definitions/workspace-info.ts';
import { displayPath, removeFiles, writeNewFiles } from '../init/files.ts';
import { isPromptCancelled, Prompter, type Check } from '../init/prompter.ts';
import { schemaLocation } from '../init/schema-header.ts';
import { printDiagnostics } from '../print-diagnostics.ts';

const DETAIL_FLAGS = [...new Set(NEW_DEFINITIONS.flatMap((d) => Object.keys(d.flags)))].sort();

const OPTIONS = {
  description: { arg: 'TEXT', description: 'one line saying what the definition is for' },
  schema: { arg: 'PATH|URL', description: 'where the file points editors', default: 'what herald.yaml points at' },
  yes: { short: 'y', description: 'take the default for every question no flag answers' },
  // Each kind's own flags, listed per kind below the options.
  ...Object.fromEntries(DETAIL_FLAGS.map((f) => [f, { arg: 'VALUE', description: f, hidden: true }])),
} as const satisfies OptionTable;

const USAGE = usageText({
  name: 'new',
  args: '<kind> <name> [dir] [kind flags]',
  options: OPTIONS,
  about: `Adds one definition to the workspace in dir (default: the current folder), in <kind folder>/<name>.yaml,
with sensible content for the workspace's data model. Kinds: ${kindNames().join(', ')}.
Asks on a terminal for what the flags do not say; without one it never asks (kind and name are
then required; details take their defaults).`,
  footer: `the flags of each kind:
${NEW_DEFINITIONS.map(
  (d) =>
    `  ${d.kind}\n${Object.entries(d.flags)
      .map(([f, what]) => `    --${f}: ${what}`)
      .join('\n')}`,
).join('\n')}`,
});

export const newCommand: Command = {
  name: 'new',
  summary: 'add one definition to a workspace',
  usage: USAGE,
  options: OPTIONS,
  async run(argv, io) {
    const { values, positionals } = parseOptions(argv, OPTIONS);
    const [kindArg, nameArg, dirArg, ...extra] = positionals;
    if (extra.length > 0) throw new UsageError(`unexpected arguments: ${extra.join(' ')}`);
    const root = resolve(io.cwd, dirArg ?? '.');
    const shown = displayPath(io.cwd, root);
    if (!existsSync(root) || !statSync(root).isDirectory()) throw new UsageError(`workspace ${shown} does not exist`);
    if (!existsSync(join(root, WORKSPACE_FILE)))
      throw new UsageError(`no ${WORKSPACE_FILE} in ${shown}; create a workspace first with \`herald init\``);
    const prompter = new Prompter(io, values.yes === true);
    try {
      const kindText = await prompter.choose({
        flag: 'kind',
        argument: '<kind>',
        message: 'What to add',
        given: kindArg === undefined ? undefined : (findNewDefinition(kindArg)?.kind ?? unknownKind(kindArg)),
        choices: NEW_DEFINITIONS.map((d) => ({ value: d.kind, name: d.kind })),
      });
      // Without a kind there is nothing more to ask about.
      if ((kindText as string) === '') prompter.finish();
      const spec = findNewDefinition(kindText)!;
      const info = inspectWorkspace(root);
      rejectForeignFlags(spec, values as Record<string, unknown>);
      const name = await prompter.text({
        flag: 'name',
        argument: '<name>',
        message: `Name of the ${spec.kind.toLowerCase()} (snake_case)`,
        given: nameArg,
        check: nameCheck(spec, info),
      });
      const description = await prompter.text({
        flag: 'description',
        message: 'Description (one line, optional)',
        given: values.description,
        default: '',
        optional: true,
      });
      const details = await spec.ask(prompter, info, values as Record<string, string | undefined>);
      prompter.finish();
      if (description !== '') details.description = description;
      return await create(spec, name, details, info, io, shown, schemaLocation(root, values.schema, io.cwd));
    } catch (e) {
      if (isPromptCancelled(e)) {
        io.stderr.write('herald new: cancelled; nothing was written\n');
        return EXIT_USAGE;
      }
      throw e;
    }
  },
};

/** Writes the files; keeps them only if the workspace still validates without new errors. */
async function create(
  spec: NewDefinition,
  name: string,
  details: Record<string, string>,
  info: WorkspaceInfo,
  io: Parameters<Command['run']>[1],
  shown: string,
  schema: string,
): Promise<number> {
  const root = info.root;
  const written = writeNewFiles(root, spec.files(name, details, info), schema);
  const fail = (message: string) => {
    removeFiles(root, written);
    io.stderr.write(`herald new: ${message}; nothing was added\n`);
    return EXIT_ERRORS;
  };
  const errorsIn = () =>
    runPipeline(root, { emit: false }).diagnostics.filter(
      (d) => d.severity === 'error' && d.file !== undefined && written.includes(d.file),
    );
  let errors = errorsIn();
  if (errors.length > 0) {
    printDiagnostics(errors, { format: 'brief', io, to: 'stderr' });
    return fail(`the new ${spec.kind.toLowerCase()} does not validate (above)`);
  }
  let note: string | undefined;
  if (spec.afterWrite) {
    try {
      note = await spec.afterWrite({ root, name, details, info, schema });
    } catch (e) {
      return fail(`could not finish the ${spec.kind.toLowerCase()}: ${(e as Error).message}`);
    }
    errors = errorsIn();
    if (errors.length > 0) {
      printDiagnostics(errors, { format: 'brief', io, to: 'stderr' });
      return fail(`the new ${spec.kind.toLowerCase()} does not validate (above)`);
    }
  }
  io.stdout.write(`added ${spec.kind} ${name} to ${shown}: ${written.join(', ')}${note ? `\n${note}` : ''}\n`);
  return EXIT_OK;
}

function unknownKind(text: string): never {
  const hint = suggest(text, kindNames());
  throw new UsageError(`unknown kind "${text}"${hint ? `; did you mean ${hint}?` : ''} (kinds: ${kindNames().join(', ')})`);
}

/** A valid name, not taken by a definition of the same kind. */
function nameCheck(spec: NewDefinition, info: WorkspaceInfo): Check {
  return (value) => {
    const shape = checkName(value);
    if (shape !== true) return shape;
    const taken = info.names.get(spec.kind)?.get(value);
    if (taken) return `${spec.kind} ${value} already exists (in ${taken})`;
    if (existsSync(join(info.root, spec.folder, `${value}.yaml`))) return `${spec.folder}/${value}.yaml already exists`;
    return true;
  };
}

/** A detail flag of another kind is a mistake worth saying (`--where` on a Template). */
function rejectForeignFlags(spec: NewDefinition, values: Record<string, unknown>): void {
  const foreign = DETAIL_FLAGS.filter((f) => values[f] !== undefined && !(f in spec.flags));
  if (foreign.length > 0) {
    const own =
      Object.keys(spec.flags)
        .map((f) => `--${f}`)
        .join(', ') || 'none';
    throw new UsageError(
      `${foreign.map((f) => `--${f}`).join(', ')} ${foreign.length === 1 ? 'is' : 'are'} not for a ${spec.kind} (its flags: ${own})`,
    );
  }
}
