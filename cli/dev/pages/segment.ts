import { printRule } from '../../../compiler/dsl/print.ts';
import { UnknownCustomerError } from '../../../runtime/segments/customer-context.ts';
import type { ExplainedClause } from '../../../runtime/segments/explain.ts';
import { operandValues } from '../../commands/explain.ts';
import { MASKED } from '../../../compiler/contract/personal-data.ts';
import { graphLinks, iso, notFound, type PageContext } from './context.ts';
import type { Page } from './layout.ts';
import { html, path, type Html } from '../html.ts';

/** A segment's rule, its live size and a few members (masked), and why a customer is in or out. */
export async function segmentPage(ctx: PageContext, name: string): Promise<Page> {
  const def = ctx.manifest.definitions[`Segment/${name}`];
  if (!def) return notFound('Segment', name, ctx.manifest);
  const spec = def.spec as { where?: string; include?: string[]; exclude?: string[] };
  const customer = ctx.query.get('customer')?.trim();
  return {
    title: `segment ${name}`,
    body: html`<h1>${name}</h1>
${def.metadata.description ? html`<p>${def.metadata.description}</p>` : ''}
${graphLinks(def)}
<div class="card">
  ${spec.where ? html`<pre class="rule">${spec.where}</pre>` : html`<p class="muted">no <code>where</code>: membership comes from include/exclude</p>`}
  ${spec.include?.length ? html`<p>includes ${spec.include.map((s, i) => html`${i > 0 ? ', ' : ''}<a href="${path('segments', s)}">${s}</a>`)}</p>` : ''}
  ${spec.exclude?.length ? html`<p>excludes ${spec.exclude.map((s, i) => html`${i > 0 ? ', ' : ''}<a href="${path('segments', s)}">${s}</a>`)}</p>` : ''}
</div>
${await liveCount(ctx, name)}
<h2>Explain a customer</h2>
<form class="inline" method="get" action="${path('segments', name)}">
  <label>Customer <input type="text" name="customer" value="${customer ?? ''}" placeholder="a customer id"></label>
  <button type="submit">Explain</button>
</form>
${customer ? await explanation(ctx, name, customer) : ''}`,
  };
}

async function liveCount(ctx: PageContext, name: string): Promise<Html> {
  if (!ctx.database)
    return html`<p class="muted">No preview database: run <code>herald dev --db URL</code> (or <code>herald ingest</code> first) for live counts and members.</p>`;
  const counts = await ctx.database.liveCounts(ctx.manifest);
  if (!counts) return html`<p class="bad">HL560: ${ctx.database.problem ?? 'the preview database is unavailable'}</p>`;
  if (counts.problem) return html`<p class="bad">HL564: counting failed: ${counts.problem}</p>`;
  const count = counts.segments.get(name);
  if (!count) return html`<p class="muted">not counted</p>`;
  const columns = [...new Set(count.sample.flatMap((r) => Object.keys(r)))];
  return html`<h2>Members</h2>
<p><strong class="member-count">${count.members}</strong> customers as of ${iso(counts.asOf)} <span class="muted">(live: computed and rolled back, stored memberships unchanged)</span></p>
${count.sample.length > 0 ? html`<table class="members"><thead><tr>${columns.map((c) => html`<th>${c}</th>`)}</tr></thead><tbody>${count.sample.map((row) => html`<tr>${columns.map((c) => html`<td>${c === 'id' ? html`<a href="?customer=${encodeURIComponent(String(row[c]))}">${String(row[c])}</a>` : cell(row[c])}</td>`)}</tr>`)}</tbody></table>` : ''}`;
}

function cell(value: unknown): string {
  if (value === null || value === undefined) return '';
  return value === MASKED ? MASKED : String(value);
}

async function explanation(ctx: PageContext, segment: string, customer: string): Promise<Html> {
  if (!ctx.database) return html`<p class="muted">Explaining needs the preview database (<code>--db URL</code>).</p>`;
  try {
    const result = await ctx.database.explain(ctx.manifest, customer, segment);
    if (!result) return html`<p class="bad">HL560: ${ctx.database.problem ?? 'the preview database is unavailable'}</p>`;
    const s = result.segments[0];
    if (!s) return html`<p class="muted">nothing to explain</p>`;
    return html`<div class="card explanation"><p><strong>${customer}</strong> is <strong class="${s.member ? 'good' : 'bad'}">${s.member ? 'IN' : 'OUT'}</strong> as of ${iso(result.asOf)} <span class="muted">(personal data masked)</span></p><ul class="clauses">${clause(s.rule)}</ul></div>`;
  } catch (e) {
    if (e instanceof UnknownCustomerError) return html`<p class="bad">no customer "${customer}" in the preview database</p>`;
    return html`<p class="bad">explaining failed: ${(e as Error).message}</p>`;
  }
}

function clause(c: ExplainedClause): Html {
  const mark = c.holds ? html`<span class="good">✓</span>` : html`<span class="bad">✗</span>`;
  if (c.children && c.connective) {
    const label = c.connective === 'and' ? 'all of' : c.connective === 'or' ? 'any of' : 'not';
    return html`<li>${mark} ${label}<ul class="clauses">${c.children.map(clause)}</ul></li>`;
  }
  const values = operandValues(c);
  return html`<li>${mark} <code>${printRule(c.expr)}</code>${values.length > 0 ? html` <span class="muted">[${values.join('; ')}]</span>` : ''}</li>`;
}
