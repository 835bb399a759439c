import { KINDS } from '../../../compiler/contract/definition.ts';
import { diagnosticBlocks } from './overlay.ts';
import { definitionsOf, type PageContext } from './context.ts';
import type { Page } from './layout.ts';
import { html, path } from '../html.ts';

/** The start page: every previewable definition (segments with live counts when there is a database), and the workspace's warnings. */
export async function overviewPage(ctx: PageContext): Promise<Page> {
  const { manifest, build } = ctx;
  const counts = ctx.database ? await ctx.database.liveCounts(manifest) : undefined;
  const kinds = KINDS.map((k) => [k, definitionsOf(manifest, k).length] as const).filter(([, n]) => n > 0);
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
<p class="muted">${kinds.map(([k, n], i) => html`${i > 0 ? ' · ' : ''}${plural(n, k)}`)}${ctx.database ? html` · database ${ctx.database.description}` : html` · no preview database (<code>--db URL</code> for live counts)`}</p>
${section('templates', 'Templates', 'Template', (name) => html`<span class="muted">${plural((manifest.definitions[`Template/${name}`]?.compiled as { sample_customers?: string[] } | undefined)?.sample_customers?.length ?? 0, 'sample customer')}</span>`)}
${section('segments', 'Segments', 'Segment', (name) => {
  const count = counts?.segments.get(name);
  return count ? html`<span class="segment-count">${plural(count.members, 'member')}</span>` : '';
})}
${section('journeys', 'Journeys', 'Journey', (name) => html`<span class="muted">${plural(Object.keys((manifest.definitions[`Journey/${name}`]?.spec as { steps?: object } | undefined)?.steps ?? {}).length, 'step')}</span>`)}
${warnings.length > 0 ? html`<h2>Warnings</h2>${diagnosticBlocks(warnings, build.sources)}` : ''}`,
  };
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
