import type { DefinitionKey, Manifest, ManifestDefinition } from '../../../compiler/contract/manifest.ts';
import type { PreviewDatabase } from '../database.ts';
import type { TemplatePreviews } from '../previews.ts';
import type { DevBuild } from '../session.ts';
import { html, path, type Html } from '../html.ts';

/** What every page of the preview site renders from. */
export interface PageContext {
  build: DevBuild;
  /** The last good build's manifest (the preview keeps it while the workspace has errors). */
  manifest: Manifest;
  /** The id of the build the manifest is from. */
  manifestBuildId: number;
  previews: TemplatePreviews;
  database?: PreviewDatabase;
  query: URLSearchParams;
}

export function definitionsOf(manifest: Manifest, kind: string): ManifestDefinition[] {
  return Object.values(manifest.definitions)
    .filter((d) => d.kind === kind)
    .sort((a, b) => (a.name < b.name ? -1 : 1));
}

/** The preview page of a definition, when it has one. */
export function linkTo(key: DefinitionKey): Html {
  const [kind, name] = [key.slice(0, key.indexOf('/')), key.slice(key.indexOf('/') + 1)];
  const section = kind === 'Template' ? 'templates' : kind === 'Segment' ? 'segments' : kind === 'Journey' ? 'journeys' : undefined;
  return section ? html`<a href="${path(section, name)}">${key}</a>` : html`<span>${key}</span>`;
}

/** "uses … / used by …" from the manifest's dependency graph. */
export function graphLinks(def: ManifestDefinition): Html {
  const list = (keys: readonly DefinitionKey[]) =>
    keys.length === 0 ? html`<span class="muted">nothing</span>` : html`${keys.map((k, i) => html`${i > 0 ? ', ' : ''}${linkTo(k)}`)}`;
  return html`<p class="muted">uses ${list(def.dependsOn)} · used by ${list(def.dependents)} · <code>${def.file}</code></p>`;
}

export function notFound(kind: string, name: string, manifest: Manifest): { title: string; body: Html; status: number } {
  const names = definitionsOf(manifest, kind).map((d) => d.name);
  return {
    title: `no ${kind} ${name}`,
    status: 404,
    body: html`<h1>No ${kind.toLowerCase()} "${name}"</h1><p>The workspace has ${names.length === 0 ? html`no ${kind.toLowerCase()}s` : html`${names.map((n, i) => html`${i > 0 ? ', ' : ''}<a href="${path(`${kind.toLowerCase()}s`, n)}">${n}</a>`)}`}.</p>`,
  };
}

export function iso(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}
