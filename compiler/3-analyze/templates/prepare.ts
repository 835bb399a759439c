import { isScalar, type Document } from 'yaml';
import { posix } from 'node:path';
import type { Diagnostic } from '../../diagnostics/diagnostic.ts';
import { diag } from '../../diagnostics/make.ts';
import { makeSourceFile, rangeAt, type SourceFile } from '../../1-load/source-file.ts';
import { assemble } from './assemble.ts';
import { MappedText, type Origin } from './source-map.ts';
import { isInlineMjml, type TemplateSpec } from './spec.ts';
import { mappedYamlString } from './yaml-string.ts';
import type { TemplateRule } from '../../contract/template.ts';
import type { RuleSchema } from '../../contract/core/rule-paths.ts';
import { loadTranslations, type LoadedTranslations } from './translations.ts';
import { baseLanguage } from '../../contract/languages.ts';
import type { DiagnosticCode } from '../../contract/diagnostic.ts';

/** One Template definition, as the compiler's template steps need it. */
export interface TemplateInput {
  name: string;
  spec: TemplateSpec;
  /** Absolute path of the workspace root. */
  root: string;
  /** The YAML file the definition is in. */
  yamlFile: SourceFile;
  doc: Document.Parsed;
  /** Path of the spec inside the document value (usually ['spec']). */
  specPath: ReadonlyArray<string | number>;
}

/** A template with its sources gathered: the assembled MJML and the subject and preheader texts. */
export interface PreparedTemplate {
  input: TemplateInput;
  body?: MappedText;
  subject: MappedText;
  preheader?: MappedText;
  /** Workspace-relative source files, sorted (YAML first among equals). */
  files: string[];
  sources: Map<string, SourceFile>;
  diagnostics: Diagnostic[];
  /** Set by checkTemplate: the template's checked `rule("…")` conditions and what they read. */
  rules?: TemplateRule[];
  ruleSchema?: RuleSchema;
  /** The language the template is written in (`language`, else the language of `locale`). */
  language: string;
  /** Its message catalogues, when `translations` names a folder. */
  translations?: LoadedTranslations;
}

export function prepareTemplate(input: TemplateInput): PreparedTemplate {
  const yamlPath = input.yamlFile.path;
  const sources = new Map<string, SourceFile>([[yamlPath, input.yamlFile]]);
  const specString = (key: string): MappedText => {
    const path = [...input.specPath, key];
    const mapped = mappedYamlString(input.doc, input.yamlFile.text, yamlPath, path);
    if (mapped) return mapped;
    const value = (input.spec as unknown as Record<string, unknown>)[key];
    return new MappedText().insert(String(value ?? ''), { file: yamlPath, offset: valueOffset(input, path) });
  };
  const dir = posix.dirname(yamlPath);
  const rel = (p: string) => posix.normalize(posix.join(dir, p));
  const mjmlPath = [...input.specPath, 'mjml'];
  const namedAt = { file: yamlPath, offset: valueOffset(input, mjmlPath), length: input.spec.mjml.length };
  const inline = isInlineMjml(input.spec.mjml);
  const assembled = assemble({
    root: input.root,
    main: inline ? specString('mjml') : { file: rel(input.spec.mjml) },
    mainFile: inline ? yamlPath : rel(input.spec.mjml),
    namedAt,
    ...(input.spec.layout ? { layout: rel(input.spec.layout) } : {}),
  });
  for (const [path, text] of assembled.texts) sources.set(path, makeSourceFile(path, posix.join(input.root, path), text));
  const prepared: PreparedTemplate = {
    input,
    subject: specString('subject'),
    files: [...new Set([yamlPath, ...assembled.files])].sort(),
    sources,
    diagnostics: [],
    language: input.spec.language ?? baseLanguage(input.spec.locale ?? 'en-GB'),
  };
  if (input.spec.preheader !== undefined) prepared.preheader = specString('preheader');
  if (input.spec.translations !== undefined) {
    const path = [...input.specPath, 'translations'];
    const translations = loadTranslations({
      root: input.root,
      yamlPath,
      folder: input.spec.translations,
      language: prepared.language,
      namedAt: { file: input.yamlFile, offset: valueOffset(input, path), length: input.spec.translations.length },
    });
    prepared.translations = translations;
    prepared.diagnostics.push(...translations.diagnostics);
    for (const [language, where] of translations.positions) if (language) sources.set(where.file.path, where.file);
    prepared.files = [...new Set([...prepared.files, ...translations.files])].sort();
  }
  for (const p of assembled.problems) {
    const details: { file: string; range: ReturnType<typeof rangeAt>; help?: string } = {
      file: p.file,
      range: rangeIn(prepared, { file: p.file, offset: p.offset }, p.length),
    };
    if (p.help) details.help = p.help;
    prepared.diagnostics.push(diag(p.code, p.message, details));
  }
  // A body with a missing piece would only produce follow-on errors; it is checked once whole.
  if (assembled.problems.length === 0) prepared.body = assembled.text;
  return prepared;
}

/** The range of `length` characters at an origin, in whichever source file it is. */
export function rangeIn(prepared: PreparedTemplate, origin: Origin, length: number) {
  const file = prepared.sources.get(origin.file) ?? makeSourceFile(origin.file, origin.file, '');
  return rangeAt(file, origin.offset, origin.offset + length);
}

/** A diagnostic at a mapped-text offset. */
export function diagAt(
  prepared: PreparedTemplate,
  text: MappedText,
  code: DiagnosticCode,
  message: string,
  offset: number,
  length: number,
  help?: string,
): Diagnostic {
  const origin = text.locate(offset) ?? { file: prepared.input.yamlFile.path, offset: 0 };
  return diag(code, message, { file: origin.file, range: rangeIn(prepared, origin, length), ...(help ? { help } : {}) });
}

function valueOffset(input: TemplateInput, path: ReadonlyArray<string | number>): number {
  const node = input.doc.getIn(path, true);
  if (isScalar(node) && node.range) return node.range[0];
  return 0;
}
