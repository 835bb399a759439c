import { KINDS } from '../../../compiler/types/definition.ts';
import { diagnosticBlocks } from './overlay.ts';
import { definitionsOf, type PageContext } from './context.ts';
import type { Page } from './layout.ts';
import { html, path } from '../html.ts';

/** The start page: every previewable definition, and the workspace's warnings. */
export function overviewPage(ctx: PageContext): Page {
  const { manifest, build } = ctx;
  const counts = KINDS.map((k) => [k, definitionsOf(manifest, k).length] as const).filter(([, n]) => n > 0);
  const section = (id: string, title: string, kind: string, detail: (name: string) => unknown) => {
    const defs = definitionsOf(manifest, kind);
    return html`<h2 id="${id}">${title}</h2>${
      defs.length === 0
        ? html`<p class="muted">none (<code>herald new ${kind} NAME</code> adds one)</p>`
        : html`<table><tbody>${defs.map((d) => html`<tr><td><a href="${path(id, d.name)}">${d.name}</a></td><td class="muted">${d.metadata.description ?? ''}</td><td>${detail(d.name)}</td></tr>`)}</tbody></table>`
    }`;
  };
  const warnings = build.diagnostics.filter((d) => d.severity !== 'error');
  return {
    title: 'overview',
    body: html`<h1>${manifest.metadata.workspace}</h1>
<p class="muted">${counts.map(([k, n], i) => html`${i > 0 ? ' · ' : ''}${n} ${k}${n === 1 ? '' : 's'}`)}${ctx.database ? html` · database ${ctx.database.description}` : html` · no preview database (<code>--db URL</code> for live counts)`}</p>
${section('templates', 'Templates', 'Template', (name) => html`<span class="muted">${(manifest.definitions[`Template/${name}`]?.compiled as { sample_customers?: string[] } | undefined)?.sample_customers?.length ?? 0} sample customers</span>`)}
${section('segments', 'Segments', 'Segment', () => '')}
${section('journeys', 'Journeys', 'Journey', (name) => html`<span class="muted">${Object.keys((manifest.definitions[`Journey/${name}`]?.spec as { steps?: object } | undefined)?.steps ?? {}).length} steps</span>`)}
${warnings.length > 0 ? html`<h2>Warnings</h2>${diagnosticBlocks(warnings, build.sources)}` : ''}`,
  };
}
