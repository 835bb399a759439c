import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { runPipeline } from '../../compiler/index.ts';
import type { TemplateFacts } from '../../compiler/3-analyze/kinds/template.ts';
import type { CompiledTemplate } from '../../compiler/3-analyze/templates/index.ts';
import type { Manifest } from '../../compiler/contract/manifest.ts';
import { previewLinks } from '../../runtime/render/preview.ts';
import { readSampleData, sampleRenderInput, PREVIEW_LINKS, type RenderInput, type SampleData } from '../../runtime/render/index.ts';

/** The flagship workspace and every example that has templates: what "every template" means in tests. */
export function templateWorkspaces(): string[] {
  const examples = resolve('examples');
  const dirs = readdirSync(examples, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(join(examples, e.name, 'herald.yaml')))
    .map((e) => join(examples, e.name));
  return [resolve('campaigns'), ...dirs].filter((d) => compileTemplates(d).templates.length > 0);
}

export interface WorkspaceTemplate {
  workspace: string;
  compiled: CompiledTemplate;
  /** The assembled MJML with the subject and preheader added, nunjucks untouched (the slow path's input). */
  mjmlSource: string;
  sample?: SampleData;
}

export interface CompiledWorkspace {
  dir: string;
  manifest: Manifest;
  templates: WorkspaceTemplate[];
  /** The workspace's time zone (the fallback of customers who have none). */
  timeZone: string;
  errors: string[];
}

const cache = new Map<string, CompiledWorkspace>();

/** Compiles a workspace as `herald compile` does (once per test file) and collects its templates. */
export function compileTemplates(dir: string): CompiledWorkspace {
  const known = cache.get(dir);
  if (known) return known;
  const result = runPipeline(dir, { emit: true });
  const errors = result.diagnostics
    .filter((d) => d.severity === 'error')
    .map((d) => `${d.file}:${d.range?.start.line}:${d.range?.start.column} ${d.code} ${d.message}`);
  const manifest = result.emitted?.manifest as Manifest;
  const templates: WorkspaceTemplate[] = [];
  for (const def of Object.values(manifest?.definitions ?? {})) {
    if (def.kind !== 'Template') continue;
    const compiled = def.compiled as CompiledTemplate;
    const facts = result.analyzed!.facts.get(`Template/${def.name}`) as TemplateFacts;
    const sample =
      compiled.sample_data && existsSync(join(dir, compiled.sample_data)) ? readSampleData(join(dir, compiled.sample_data)) : undefined;
    templates.push({ workspace: dir, compiled, mjmlSource: withHead(facts), ...(sample ? { sample } : {}) });
  }
  const tz = manifest ? Object.values(manifest.definitions).find((d) => d.kind === 'Workspace')?.spec.timezone : undefined;
  const compiledWorkspace = {
    dir,
    manifest,
    templates: templates.sort((a, b) => (a.compiled.name < b.compiled.name ? -1 : 1)),
    timeZone: typeof tz === 'string' ? tz : 'UTC',
    errors,
  };
  cache.set(dir, compiledWorkspace);
  return compiledWorkspace;
}

function withHead(facts: TemplateFacts): string {
  let head = `<mj-title>${facts.prepared.subject.text}</mj-title>`;
  if (facts.prepared.preheader) head += `<mj-preview>${facts.prepared.preheader.text}</mj-preview>`;
  const src = facts.prepared.body!.text;
  return /<mj-head\s*>/.test(src)
    ? src.replace(/<mj-head\s*>/, (m) => m + head)
    : src.replace(/<mjml\b[^>]*>/, (m) => `${m}<mj-head>${head}</mj-head>`);
}

/**
 * The recipients a template is checked with: its sample customers (from its sample data), or,
 * for a template without sample data, one made-up customer with a name and an address.
 */
export function recipientsOf(t: WorkspaceTemplate): Array<{ id: string; input: RenderInput }> {
  if (t.sample && t.compiled.sample_customers.length > 0) {
    return t.compiled.sample_customers
      .map((id) => ({ id, input: sampleRenderInput(t.compiled, t.sample!, id)! }))
      .filter((r) => r.input !== undefined);
  }
  return [
    {
      id: 'preview',
      // The links a preview gets (as `herald render` makes them), so both render the same email.
      input: {
        customer: { id: 'preview', first_name: 'Alex', email: 'alex@example.test' },
        ...previewLinks(t.compiled.name, 'preview', PREVIEW_LINKS),
      },
    },
  ];
}
