import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseText } from '../../compiler/1-load/parse-file.ts';
import {
  buildTemplate,
  checkTemplate,
  prepareTemplate,
  type CompiledTemplate,
  type TemplateNames,
} from '../../compiler/3-analyze/templates/index.ts';
import type { Diagnostic } from '../../compiler/diagnostics/diagnostic.ts';
import type { FieldType } from '../../compiler/contract/data-model.ts';
import type { TraitOutput } from '../../compiler/contract/compiled-sql.ts';

export const SHOWCASE = resolve('examples/templates-showcase');
export const SHOWCASE_TEMPLATES = ['welcome', 'cart_reminder', 'recommendations'];

const field = (type: FieldType, pii = false) => ({ type, ...(pii ? { pii } : {}) });

export const SHOWCASE_NAMES: TemplateNames = {
  customerFields: ['email', 'first_name', 'country', 'locale', 'timezone', 'signup_at', 'email_consent'],
  itemFields: ['name', 'category', 'price', 'image_url', 'url'],
  traits: ['rfm'],
  models: ['repurchase_90d'],
  segments: ['vip', 'lapsed_high_value'],
  ruleSchema: {
    dataModel: {
      customers: {
        fields: {
          email: field('email', true),
          first_name: field('string', true),
          country: field('string'),
          locale: field('string'),
          timezone: field('string'),
          signup_at: field('timestamp'),
          email_consent: field('boolean'),
        },
        mergeByEmail: false,
      },
      events: { purchase: { amount: field('number') } },
      items: { fields: {} },
    },
    traits: {
      rfm: [
        ...['recency', 'frequency', 'monetary', 'total'].map((name): TraitOutput => ({ name, type: 'number' })),
        { name: 'score', type: 'string' },
      ],
    },
  },
};

export interface CompileOutcome {
  compiled?: CompiledTemplate;
  /** Analysis diagnostics, then (when analysis had no errors) build diagnostics. */
  diagnostics: Diagnostic[];
}

/** Compiles the Template document of `rel` (a YAML file under `root`) the way the pipeline does. */
export function compileTemplateFile(root: string, rel: string, names: TemplateNames = SHOWCASE_NAMES): CompileOutcome {
  const parsed = parseText(rel, join(root, rel), readFileSync(join(root, rel), 'utf8'));
  const doc = parsed.documents[0]!;
  const value = doc.value as { metadata: { name: string }; spec: never };
  const prepared = prepareTemplate({
    name: value.metadata.name,
    spec: value.spec,
    root,
    yamlFile: doc.file,
    doc: doc.yaml,
    specPath: ['spec'],
  });
  const check = checkTemplate(prepared, names);
  const diagnostics = [...prepared.diagnostics, ...check.diagnostics];
  if (diagnostics.some((d) => d.severity === 'error')) return { diagnostics };
  const built = buildTemplate(prepared, check.variables);
  const outcome: CompileOutcome = { diagnostics: [...diagnostics, ...built.diagnostics] };
  if (built.compiled) outcome.compiled = built.compiled;
  return outcome;
}

/** A throwaway workspace with the given files (paths relative to its root). */
export function workspace(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'herald-templates-'));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), text);
  }
  return root;
}

/** A Template YAML document around an inline or file MJML value. */
export function templateYaml(name: string, spec: Record<string, string>): string {
  const lines = [`apiVersion: herald/v1`, `kind: Template`, `metadata: { name: ${name} }`, `spec:`];
  for (const [k, v] of Object.entries(spec)) {
    if (v.includes('\n'))
      lines.push(
        `  ${k}: |`,
        ...v
          .replace(/\n$/, '')
          .split('\n')
          .map((l) => `    ${l}`),
      );
    else lines.push(`  ${k}: ${JSON.stringify(v)}`);
  }
  return lines.join('\n') + '\n';
}

export const FOOTER = '<mj-section><mj-column><mj-text><a href="{{ unsubscribe_url }}">Unsubscribe</a></mj-text></mj-column></mj-section>';

/** A minimal valid MJML document around body sections (with an unsubscribe footer). */
export function mjmlDoc(body: string): string {
  return `<mjml>\n<mj-body>\n${body}\n${FOOTER}\n</mj-body>\n</mjml>\n`;
}
