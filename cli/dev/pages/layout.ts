import { summaryLine } from '../../../compiler/diagnostics/format/index.ts';
import type { DevBuild } from '../session.ts';
import { html, raw, type Html } from '../html.ts';
import { overlayMarkup } from './overlay.ts';

/** A page of the preview site: its title and its content (the part swapped in on live reload). */
export interface Page {
  title: string;
  body: Html;
  status?: number;
}

/** One line about the latest build, for the header and the build events. */
export function statusLine(build: DevBuild): string {
  const when = `build #${build.id} in ${Math.round(build.ms)} ms`;
  return build.ok
    ? `${when}: ok${build.diagnostics.length > 0 ? ` (${summaryLine(build.diagnostics)})` : ''}`
    : `${when}: ${summaryLine(build.diagnostics)}`;
}

export function layout(page: Page, build: DevBuild, workspace: string, options: { mermaid?: boolean } = {}): string {
  const overlay = overlayMarkup(build);
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${page.title} · ${workspace} · herald dev</title>
<link rel="stylesheet" href="/assets/style.css">
</head>
<body data-build="${build.id}">
<header>
  <a href="/">${workspace}</a>
  <nav><a href="/#templates">Templates</a><a href="/#segments">Segments</a><a href="/#journeys">Journeys</a></nav>
  <span id="herald-status" class="${build.ok ? 'ok' : 'failed'}">${statusLine(build)}</span>
</header>
<main id="herald-main">${page.body}</main>
<div id="herald-overlay"${overlay === '' ? raw(' hidden') : ''}>${raw(overlay)}</div>
${
  options.mermaid
    ? html`<script src="/assets/mermaid.js"></script>
`
    : ''
}<script src="/assets/client.js"></script>
</body>
</html>
`.value;
}
