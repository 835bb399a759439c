import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command, CliIO } from '../command.ts';
import { EXIT_ERRORS, EXIT_OK, UsageError } from '../command.ts';
import { oneOf, parseCommandArgs } from '../args.ts';
import { runPipeline } from '../../compiler/index.ts';
import type { Diagnostic } from '../../compiler/diagnostics/diagnostic.ts';
import { suggest } from '../../compiler/diagnostics/suggest.ts';
import { buildTemplate, checkTemplate, prepareTemplate, type CompiledTemplate, type TemplateNames } from '../../compiler/templates/index.ts';
import type { TemplateSpec } from '../../compiler/templates/spec.ts';
import type { LoadedDocument } from '../../compiler/1-load/index.ts';
import { buildMime, loadTemplate, readSampleData, renderEmail, sampleRenderInput, SampleDataError, writeEmailFiles } from '../../runtime/render/index.ts';

const USAGE = `herald render <template> --customer ID [dir] [--part html|text|subject|mime] [--sample FILE] [--out DIR] [--db URL]

Renders one personalized email for one customer. Customers come from the template's sample data
(spec.sample_data) or --sample FILE until a database is given. --out writes <template>.<customer>
.html, .txt and .eml into DIR instead of printing a part.`;

const PARTS = ['html', 'text', 'subject', 'mime'] as const;

export const renderCommand: Command = {
  name: 'render',
  summary: 'render one personalized email',
  usage: USAGE,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, {
      customer: { type: 'string' },
      part: { type: 'string' },
      sample: { type: 'string' },
      out: { type: 'string' },
    });
    const [templateName, dirArg, ...extra] = positionals;
    if (!templateName) throw new UsageError('name the template to render, e.g. `herald render cart_reminder --customer c_1001`');
    if (extra.length > 0) throw new UsageError(`unexpected arguments: ${extra.join(' ')}`);
    if (!values.customer) throw new UsageError('--customer ID is required');
    const part = oneOf('part', values.part, PARTS, 'html');
    if (values.db) {
      throw new UsageError('rendering from a database is not available in this version; use the sample data (--sample FILE)');
    }
    const dir = resolve(io.cwd, dirArg ?? '.');

    const pipeline = runPipeline(dir, { emit: false });
    const errors = pipeline.diagnostics.filter((d) => d.severity === 'error');
    if (errors.length > 0) {
      printDiagnostics(io, errors);
      return EXIT_ERRORS;
    }
    const templates = pipeline.loaded.documents.filter((d) => kindOf(d) === 'Template');
    const doc = templates.find((d) => nameOf(d) === templateName);
    if (!doc) {
      const hint = suggest(templateName, templates.map(nameOf));
      throw new UsageError(`no template "${templateName}" in ${dirArg ?? '.'}${hint ? `; did you mean "${hint}"?` : ''}`);
    }

    const compiled = compile(doc, pipeline.loaded.documents, pipeline.loaded.root, io);
    if (!compiled) return EXIT_ERRORS;

    const samplePath = values.sample ? resolve(io.cwd, values.sample) : compiled.sample_data ? join(pipeline.loaded.root, compiled.sample_data) : undefined;
    if (!samplePath) throw new UsageError(`template ${templateName} has no sample_data; pass --sample FILE`);
    if (!existsSync(samplePath)) throw new UsageError(`sample data ${samplePath} does not exist`);
    let sample;
    try {
      sample = readSampleData(samplePath);
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
    const outcome = renderEmail(loadTemplate(compiled), input, { timeZone: workspaceTimeZone(pipeline.loaded.documents) });
    if (!outcome.ok) {
      io.stderr.write(`herald render: ${templateName} cannot be rendered for ${values.customer}: ${outcome.reason}\n`);
      return EXIT_ERRORS;
    }
    const email = outcome.email;
    const needsMime = part === 'mime' || values.out !== undefined;
    const mime = needsMime
      ? await buildMime(email, {
          from: compiled.from ?? 'Herald preview <preview@herald.invalid>',
          to: typeof input.customer.email === 'string' ? input.customer.email : 'preview@herald.invalid',
          ...(compiled.reply_to ? { replyTo: compiled.reply_to } : {}),
          messageId: input.message_id,
          date: new Date(),
          ...(compiled.category === 'marketing' ? { unsubscribeUrl: input.unsubscribe_url } : {}),
        })
      : undefined;
    if (values.out !== undefined) {
      const stem = `${templateName}.${values.customer}`.replace(/[^A-Za-z0-9._-]/g, '_');
      const written = writeEmailFiles(resolve(io.cwd, values.out), stem, email, mime!);
      io.stdout.write(`${written.html}\n${written.text}\n${written.eml}\n`);
      return EXIT_OK;
    }
    if (part === 'subject') io.stdout.write(`${email.subject}\n`);
    else if (part === 'text') io.stdout.write(email.text);
    else if (part === 'mime') io.stdout.write(mime!);
    else io.stdout.write(email.html.endsWith('\n') ? email.html : `${email.html}\n`);
    return EXIT_OK;
  },
};

/** Compiles one template (phase 3 checks, then MJML once), printing its diagnostics. */
function compile(doc: LoadedDocument, documents: LoadedDocument[], root: string, io: CliIO): CompiledTemplate | undefined {
  const value = doc.value as { spec: TemplateSpec };
  const prepared = prepareTemplate({ name: nameOf(doc), spec: value.spec, root, yamlFile: doc.file, doc: doc.yaml, specPath: ['spec'] });
  const check = checkTemplate(prepared, namesFrom(documents));
  const diagnostics = [...prepared.diagnostics, ...check.diagnostics];
  if (!diagnostics.some((d) => d.severity === 'error')) {
    const built = buildTemplate(prepared, check.variables);
    diagnostics.push(...built.diagnostics);
    printDiagnostics(io, diagnostics);
    return diagnostics.some((d) => d.severity === 'error') ? undefined : built.compiled;
  }
  printDiagnostics(io, diagnostics);
  return undefined;
}

/** Names templates may read, straight from the documents (the Workspace's data model and definition names). */
function namesFrom(documents: LoadedDocument[]): TemplateNames {
  const ws = documents.find((d) => kindOf(d) === 'Workspace')?.value as { spec?: { customers?: { fields?: object }; items?: { fields?: object } } } | undefined;
  const of = (kind: string) => documents.filter((d) => kindOf(d) === kind).map(nameOf);
  return {
    customerFields: Object.keys(ws?.spec?.customers?.fields ?? {}),
    itemFields: Object.keys(ws?.spec?.items?.fields ?? {}),
    traits: of('Trait'),
    models: of('Model'),
    segments: of('Segment'),
  };
}

function workspaceTimeZone(documents: LoadedDocument[]): string | undefined {
  const ws = documents.find((d) => kindOf(d) === 'Workspace')?.value as { spec?: { timezone?: unknown } } | undefined;
  return typeof ws?.spec?.timezone === 'string' ? ws.spec.timezone : undefined;
}

function kindOf(d: LoadedDocument): unknown {
  return (d.value as { kind?: unknown } | null)?.kind;
}

function nameOf(d: LoadedDocument): string {
  return String((d.value as { metadata?: { name?: unknown } } | null)?.metadata?.name ?? '');
}

function printDiagnostics(io: CliIO, diagnostics: Diagnostic[]): void {
  for (const d of diagnostics) {
    const at = d.file ? `${d.file}${d.range ? `:${d.range.start.line}:${d.range.start.column}` : ''}: ` : '';
    io.stderr.write(`${at}${d.severity}[${d.code}]: ${d.message}${d.help ? `\n  help: ${d.help}` : ''}\n`);
  }
}
