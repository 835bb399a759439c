import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { isRefused, readWorkspaceText } from '../../compiler/files/workspace-files.ts';
import type { Command, CliIO } from '../command.ts';
import { EXIT_ERRORS, EXIT_OK, UsageError } from '../command.ts';
import { oneOf } from '../args.ts';
import { DB_OPTION, parseOptions, usageText, type OptionTable } from '../options.ts';
import { runPipeline } from '../../compiler/index.ts';
import type { Diagnostic } from '../../compiler/diagnostics/diagnostic.ts';
import { suggest } from '../../compiler/diagnostics/suggest.ts';
import { buildTemplate, type CompiledTemplate } from '../../compiler/3-analyze/templates/index.ts';
import type { TemplateFacts } from '../../compiler/3-analyze/kinds/template.ts';
import type { LoadedDocument } from '../../compiler/1-load/index.ts';
import {
  composeTemplateMime,
  HeaderError,
  databaseRenderInput,
  loadTemplate,
  readSampleData,
  renderEmail,
  sampleRenderInput,
  SampleDataError,
  writeEmailFiles,
  type RenderedEmail,
  type RenderInput,
} from '../../runtime/render/index.ts';
import { openWorkspace, parseAsOf, runRuntimeCommand } from '../workspace-runtime.ts';
import { printDiagnostics } from '../print-diagnostics.ts';
import { workspaceTimeZone as compiledTimeZone } from '../../runtime/workspace-settings.ts';
import { timeZoneSetting } from '../../compiler/contract/workspace-settings.ts';

const PARTS = ['html', 'text', 'subject', 'mime'] as const;
const OPTIONS = {
  customer: { arg: 'ID', description: 'the customer to render for', required: true },
  part: { values: PARTS, description: 'which part to print', default: 'html' },
  out: { arg: 'DIR', description: 'write <template>.<customer>.html, .txt and .eml into DIR instead of printing a part' },
  db: DB_OPTION,
  'as-of': { arg: 'TIME', description: 'with --db: the customer, traits and segments as of this instant', default: 'now' },
  sample: { arg: 'FILE', description: "sample data to render from instead of the template's sample_data" },
} as const satisfies OptionTable;

const USAGE = usageText({
  name: 'render',
  args: '<template> [dir]',
  options: OPTIONS,
  about: `Renders one personalized email for one customer. With --db (or HERALD_DATABASE_URL) the customer,
traits, segments and recommendations come from the database as of --as-of; otherwise from
--sample FILE or the template's sample_data.`,
});

export const renderCommand: Command = {
  name: 'render',
  summary: 'render one personalized email',
  usage: USAGE,
  options: OPTIONS,
  async run(argv, io) {
    const { values, positionals } = parseOptions(argv, OPTIONS);
    const [templateName, dirArg, ...extra] = positionals;
    if (!templateName) throw new UsageError('name the template to render, e.g. `herald render cart_reminder --customer c_1001`');
    if (extra.length > 0) throw new UsageError(`unexpected arguments: ${extra.join(' ')}`);
    if (!values.customer) throw new UsageError('--customer ID is required');
    const part = oneOf('part', values.part, PARTS, 'html');
    const dir = resolve(io.cwd, dirArg ?? '.');
    if (values.sample === undefined && (values.db !== undefined || io.env.HERALD_DATABASE_URL)) {
      const asOf = parseAsOf(values['as-of']);
      return runRuntimeCommand('render', io, () =>
        renderFromDatabase(templateName, values.customer!, dirArg ?? '.', values.db, asOf, part, values.out, io),
      );
    }

    const pipeline = runPipeline(dir, { emit: false });
    const errors = pipeline.diagnostics.filter((d) => d.severity === 'error');
    if (errors.length > 0) {
      const sources = new Map(pipeline.loaded.files.map((f) => [f.path, f.text]));
      // Template errors point into .mjml layouts and partials, which phase 1 does not load.
      for (const d of errors) {
        if (!d.file || sources.has(d.file)) continue;
        const read = readWorkspaceText(pipeline.loaded.root, d.file);
        if (!isRefused(read)) sources.set(d.file, read.value);
      }
      // Diagnostics go to stderr, so that stdout holds only the rendered part.
      printDiagnostics(errors, { format: 'pretty', io, sources, to: 'stderr' });
      return EXIT_ERRORS;
    }
    const templates = pipeline.loaded.documents.filter((d) => kindOf(d) === 'Template');
    const doc = templates.find((d) => nameOf(d) === templateName);
    if (!doc) {
      const hint = suggest(templateName, templates.map(nameOf));
      throw new UsageError(`no template "${templateName}" in ${dirArg ?? '.'}${hint ? `; did you mean "${hint}"?` : ''}`);
    }

    const facts = pipeline.analyzed?.facts.get(`Template/${templateName}`) as TemplateFacts | undefined;
    if (!facts) throw new Error(`internal: template ${templateName} was analyzed without facts`);
    const compiled = build(facts, pipeline.diagnostics, io);
    if (!compiled) return EXIT_ERRORS;

    const samplePath = values.sample
      ? resolve(io.cwd, values.sample)
      : compiled.sample_data
        ? join(pipeline.loaded.root, compiled.sample_data)
        : undefined;
    if (!samplePath) throw new UsageError(`template ${templateName} has no sample_data; pass --sample FILE`);
    if (!existsSync(samplePath)) throw new UsageError(`sample data ${samplePath} does not exist`);
    let sample;
    try {
      sample = readSampleData(samplePath, values.sample ? undefined : pipeline.loaded.root);
    } catch (e) {
      if (e instanceof SampleDataError) {
        io.stderr.write(`herald render: ${e.message}\n`);
        return EXIT_ERRORS;
      }
      throw e;
    }
    const input = sampleRenderInput(compiled, sample, values.customer);
    if (!input) {
      io.stderr.write(`herald render: no customer "${values.customer}" in the sample data\n`);
      return EXIT_ERRORS;
    }
    const outcome = renderEmail(loadTemplate(compiled), input, {
      // The setting as emit compiles it (this path builds one template, not the whole manifest).
      timeZone: timeZoneSetting(pipeline.validated?.workspace?.spec.timezone),
    });
    if (!outcome.ok) {
      io.stderr.write(`herald render: ${templateName} cannot be rendered for ${values.customer}: ${outcome.reason}\n`);
      return EXIT_ERRORS;
    }
    return output(outcome.email, compiled, input, templateName, values.customer, part, values.out, io);
  },
};

/** The same email from the database (`--db`, HERALD_DATABASE_URL), with the compiled manifest. */
async function renderFromDatabase(
  templateName: string,
  customerId: string,
  dirArg: string,
  dbUrl: string | undefined,
  asOf: number,
  part: (typeof PARTS)[number],
  out: string | undefined,
  io: CliIO,
): Promise<number> {
  const opened = await openWorkspace({ dir: dirArg, ...(dbUrl !== undefined ? { db: dbUrl } : {}), io });
  if (typeof opened === 'number') return opened;
  try {
    const definition = opened.manifest.definitions[`Template/${templateName}`];
    if (!definition) {
      const names = Object.values(opened.manifest.definitions)
        .filter((d) => d.kind === 'Template')
        .map((d) => d.name);
      const hint = suggest(templateName, names);
      throw new UsageError(`no template "${templateName}" in ${dirArg}${hint ? `; did you mean "${hint}"?` : ''}`);
    }
    const compiled = definition.compiled as CompiledTemplate;
    const input = await databaseRenderInput(opened.db, opened.manifest, compiled, customerId, asOf);
    const timeZone = compiledTimeZone(opened.manifest);
    const outcome = renderEmail(loadTemplate(compiled), input, { asOf, ...(timeZone !== undefined ? { timeZone } : {}) });
    if (!outcome.ok) {
      io.stderr.write(`herald render: ${templateName} cannot be rendered for ${customerId}: ${outcome.reason}\n`);
      return EXIT_ERRORS;
    }
    return await output(outcome.email, compiled, input, templateName, customerId, part, out, io);
  } finally {
    await opened.db.close();
  }
}

/** Prints the asked part, or writes the .html/.txt/.eml files with --out. */
async function output(
  email: RenderedEmail,
  compiled: CompiledTemplate,
  input: RenderInput,
  templateName: string,
  customerId: string,
  part: (typeof PARTS)[number],
  out: string | undefined,
  io: CliIO,
): Promise<number> {
  let mime: string | undefined;
  try {
    mime =
      part === 'mime' || out !== undefined
        ? composeTemplateMime(email, compiled, input, {
            from: 'Herald preview <preview@herald.invalid>',
            to: typeof input.customer.email === 'string' ? input.customer.email : 'preview@herald.invalid',
            date: new Date(),
          })
        : undefined;
  } catch (e) {
    if (!(e instanceof HeaderError)) throw e;
    io.stderr.write(`herald render: customer ${customerId}: ${e.message}\n`);
    return EXIT_ERRORS;
  }
  if (out !== undefined) {
    const stem = `${templateName}.${customerId}`.replace(/[^A-Za-z0-9._-]/g, '_');
    const written = writeEmailFiles(resolve(io.cwd, out), stem, email, mime!);
    io.stdout.write(`${written.html}\n${written.text}\n${written.eml}\n`);
    return EXIT_OK;
  }
  if (part === 'subject') io.stdout.write(`${email.subject}\n`);
  else if (part === 'text') io.stdout.write(email.text);
  else if (part === 'mime') io.stdout.write(mime!);
  else io.stdout.write(email.html.endsWith('\n') ? email.html : `${email.html}\n`);
  return EXIT_OK;
}

/**
 * Compiles one template from its analysis (phase 3 checked it with the rest of the workspace):
 * MJML runs once. Prints the template's warnings and any build diagnostics.
 */
function build(facts: TemplateFacts, analysis: readonly Diagnostic[], io: CliIO): CompiledTemplate | undefined {
  const files = new Set(facts.prepared.files);
  const built = buildTemplate(facts.prepared, facts.variables);
  // The template's own checks (HL349, HL35x), not workspace-wide ones such as "unused".
  const own = analysis.filter((d) => d.file !== undefined && files.has(d.file) && /^HL3(49|5\d)$/.test(d.code));
  const diagnostics = [...own, ...built.diagnostics];
  if (diagnostics.length > 0)
    printDiagnostics(diagnostics, {
      format: 'pretty',
      io,
      sources: new Map([...facts.prepared.sources].map(([path, file]) => [path, file.text])),
      to: 'stderr',
    });
  return diagnostics.some((d) => d.severity === 'error') ? undefined : built.compiled;
}

function kindOf(d: LoadedDocument): unknown {
  return (d.value as { kind?: unknown } | null)?.kind;
}

function nameOf(d: LoadedDocument): string {
  return String((d.value as { metadata?: { name?: unknown } } | null)?.metadata?.name ?? '');
}
