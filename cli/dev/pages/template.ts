import type { CompiledTemplate } from '../../../compiler/contract/template.ts';
import type { RenderedEmail } from '../../../runtime/render/index.ts';
import type { EmailPreview } from '../previews.ts';
import { graphLinks, notFound, type PageContext } from './context.ts';
import type { Page } from './layout.ts';
import { html, path, type Html } from '../html.ts';

/**
 * A template for each preview customer: subject and preheader, the HTML at desktop and phone
 * widths and in a forced dark mode (iframes, so the email's CSS stays its own), and the plain text.
 */
export async function templatePage(ctx: PageContext, name: string): Promise<Page> {
  const def = ctx.manifest.definitions[`Template/${name}`];
  const compiled = def?.compiled as CompiledTemplate | undefined;
  if (!def || !compiled) return notFound('Template', name, ctx.manifest);
  const typed = ctx.query.get('customer')?.trim();
  const customers = typed ? [typed] : await ctx.previews.defaultCustomers(compiled, ctx.manifest);
  const showPii = ctx.query.get('pii') === 'show';
  const previews = await Promise.all(customers.map((c) => ctx.previews.render(ctx.manifest, compiled, c, { showPii })));
  // A translated template: the first customer once more in each of its languages.
  const languages = compiled.translations ? Object.keys(compiled.translations.messages).sort() : [];
  if (customers.length > 0) {
    for (const language of languages)
      previews.push(await ctx.previews.render(ctx.manifest, compiled, customers[0]!, { showPii, language }));
  }
  const version = (def.compiledHash ?? '').slice(7, 19);
  return {
    title: `template ${name}`,
    body: html`<h1>${name} <span class="pill">${compiled.category}</span></h1>
${def.metadata.description ? html`<p>${def.metadata.description}</p>` : ''}
${graphLinks(def)}
<form class="inline" method="get" action="${path('templates', name)}">
  <label>Customer <input type="text" name="customer" value="${typed ?? ''}" placeholder="a customer id"></label>
  ${ctx.database ? html`<label><input type="checkbox" name="pii" value="show"${showPii ? html` checked` : ''}> show personal data</label>` : ''}
  <button type="submit">Preview</button>
  ${typed ? html`<a href="${path('templates', name)}">sample customers</a>` : ''}
</form>
${customers.length === 0 ? html`<p class="muted">No preview customers: the workspace has no data files, Test customers or sample data; add <code>sample_customers</code> and <code>sample_data</code> to the template, or type a customer id.</p>` : ''}
${previews.map((p) => previewCard(name, p, version, showPii))}`,
  };
}

function previewCard(template: string, preview: EmailPreview, version: string, showPii: boolean): Html {
  if (!preview.ok) {
    return html`<section class="card preview" data-customer="${preview.customer}"><h2>${preview.customer}</h2><p class="bad">HL561: cannot preview for this customer: ${preview.reason}</p></section>`;
  }
  const src = (mode: string) => {
    const params = new URLSearchParams({ customer: preview.customer, v: version });
    if (preview.language) params.set('lang', preview.language);
    if (mode !== 'light') params.set('mode', mode);
    if (showPii) params.set('pii', 'show');
    return `${path('templates', template, 'email')}?${params}`;
  };
  return html`<section class="card preview" data-customer="${preview.customer}"${preview.language ? html` data-language="${preview.language}"` : ''}>
  <h2>${preview.customer}${preview.language ? html` in ${preview.language}` : ''} <span class="muted">from the ${preview.source}${preview.masked ? ', personal data masked' : ''}</span></h2>
  ${envelope(preview.email)}
  <div class="grid">
    <div class="frame desktop"><span class="muted">desktop</span><iframe title="desktop" src="${src('light')}" loading="lazy"></iframe></div>
    <div class="frame mobile"><span class="muted">phone, 375 px</span><iframe title="phone" src="${src('light')}" loading="lazy"></iframe></div>
    <div class="frame dark"><span class="muted">dark mode</span><iframe title="dark mode" src="${src('dark')}" loading="lazy"></iframe></div>
  </div>
  <p><a href="${src('light')}" target="_blank">open the HTML</a> · <a href="${src('source')}" target="_blank">HTML source</a></p>
  <h3>Plain text</h3>
  <pre class="text-part">${preview.email.text}</pre>
</section>`;
}

function envelope(email: RenderedEmail): Html {
  return html`<p><span class="muted">Subject</span> <span class="subject">${email.subject}</span>${email.preheader !== undefined ? html`<br><span class="muted">Preheader</span> <span class="preheader">${email.preheader}</span>` : ''}</p>`;
}

/**
 * The email's HTML for an iframe. Dark mode is previewed the way most dark-mode mail apps treat an
 * email that has no dark styles of its own: colours inverted, images kept as they are.
 */
export function emailDocument(email: RenderedEmail, mode: string | null): string {
  if (mode !== 'dark') return email.html;
  const style =
    '<meta name="color-scheme" content="dark"><style>html{filter:invert(1) hue-rotate(180deg);background:#fff}img,picture,video{filter:invert(1) hue-rotate(180deg)}</style>';
  return /<\/head>/i.test(email.html) ? email.html.replace(/<\/head>/i, `${style}</head>`) : `${style}${email.html}`;
}
