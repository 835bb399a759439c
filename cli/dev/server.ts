import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { CLIENT_JS } from './assets/client.ts';
import { STYLE_CSS } from './assets/style.ts';
import type { PreviewDatabase } from './database.ts';
import type { Manifest } from '../../compiler/contract/manifest.ts';
import { BuildEvents } from './events.ts';
import { html } from './html.ts';
import { listenOnFreePort } from './listen.ts';
import type { PageContext } from './pages/context.ts';
import { journeyPage } from './pages/journey.ts';
import { layout, type Page } from './pages/layout.ts';
import { overviewPage } from './pages/overview.ts';
import { segmentPage } from './pages/segment.ts';
import { emailDocument, templatePage } from './pages/template.ts';
import { TemplatePreviews } from './previews.ts';
import type { DevSession } from './session.ts';
import { SessionGuard } from './guard.ts';

export interface DevServerOptions {
  session: DevSession;
  /** The preview database for a manifest, if there is one. */
  database?: (manifest: Manifest | undefined) => PreviewDatabase | undefined;
  host: string;
  port: number;
  /** Internal errors of a request (the server keeps serving). */
  onError?: (error: Error) => void;
}

/**
 * The preview site (plain node:http, server-rendered HTML and one small script). Pages render
 * from the latest good build; every build is pushed to open pages over server-sent events.
 */
export class DevServer {
  readonly events = new BuildEvents();
  readonly previews: TemplatePreviews;
  private readonly server: Server;
  private readonly unsubscribe: () => void;
  /** Host names and the per-session token: what a DNS-rebinding page or another local user lacks. */
  readonly guard: SessionGuard;
  port = 0;

  constructor(private readonly options: DevServerOptions) {
    this.guard = new SessionGuard(options.host);
    this.previews = new TemplatePreviews(options.session.root, (manifest) => options.database?.(manifest));
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((e: Error) => {
        options.onError?.(e);
        if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' });
        res.end(`internal error: ${e.message}\n`);
      });
    });
    this.unsubscribe = options.session.onBuild((build) => this.events.broadcast(build));
  }

  /** Starts listening; the port is the asked one or, when that is taken, the next free one. */
  async listen(): Promise<{ url: string; port: number; startUrl: string }> {
    this.port = await listenOnFreePort(this.server, this.options.host, this.options.port);
    this.guard.port = this.port;
    const host = this.options.host.includes(':') ? `[${this.options.host}]` : this.options.host;
    const url = `http://${host}:${this.port}/`;
    // The address to open: it carries the session's token once (kept as a cookie), for personal data.
    return { url, port: this.port, startUrl: `${url}?token=${this.guard.token}` };
  }

  async close(): Promise<void> {
    this.unsubscribe();
    this.events.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const hostProblem = this.guard.checkHost(req.headers.host);
    if (hostProblem) return send(res, 421, 'text/plain', `${hostProblem}\n`);
    const url = new URL(req.url ?? '/', 'http://localhost');
    const access = this.guard.access(url.searchParams.get('token'), req.headers.cookie);
    if (access.setCookie) res.setHeader('Set-Cookie', access.setCookie);
    if (url.searchParams.get('pii') === 'show' && !access.authorized) {
      return send(
        res,
        403,
        'text/plain',
        "personal data is shown only with this session's token: open the address `herald dev` printed (it ends in ?token=…)\n",
      );
    }
    let parts: string[];
    try {
      parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    } catch {
      return send(res, 400, 'text/plain', 'malformed URL\n');
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'text/plain', 'only GET\n');
    if (parts[0] === 'assets') return this.asset(res, parts[1]);
    if (parts[0] === 'events') return this.events.open(res, this.options.session.current);
    if (parts[0] === 'favicon.ico') return send(res, 204, 'text/plain', '');

    const session = this.options.session;
    const manifest = session.manifest;
    const fragment = req.headers['x-herald-fragment'] === '1';
    if (!manifest) {
      return this.page(
        res,
        {
          title: 'no build yet',
          body: html`<h1>Nothing to preview yet</h1><p>The workspace has errors (shown above); the preview appears with the first build that has none.</p>`,
          status: 503,
        },
        fragment,
      );
    }
    const ctx: PageContext = {
      build: session.current,
      manifest,
      manifestBuildId: session.manifestBuildId!,
      previews: this.previews,
      query: url.searchParams,
    };
    const database = this.options.database?.(manifest);
    if (database) ctx.database = database;

    const [section, name, sub] = parts;
    if (section === undefined) return this.page(res, await overviewPage(ctx), fragment);
    if (section === 'templates' && name !== undefined && sub === 'email') return this.email(res, ctx, name);
    if (section === 'templates' && name !== undefined && sub === undefined) return this.page(res, await templatePage(ctx, name), fragment);
    if (section === 'segments' && name !== undefined && sub === undefined) return this.page(res, await segmentPage(ctx, name), fragment);
    if (section === 'journeys' && name !== undefined && sub === undefined) return this.page(res, await journeyPage(ctx, name), fragment);
    return this.page(
      res,
      { title: 'not found', body: html`<h1>Not found</h1><p><a href="/">Back to the overview</a></p>`, status: 404 },
      fragment,
    );
  }

  private page(res: ServerResponse, page: Page, fragment: boolean): void {
    const workspace = this.options.session.manifest?.metadata.workspace ?? 'herald';
    send(
      res,
      page.status ?? 200,
      'text/html',
      fragment ? page.body.value : layout(page, this.options.session.current, workspace, { mermaid: HAS_MERMAID }),
    );
  }

  /** One rendered email, for an iframe of the template page. */
  private async email(res: ServerResponse, ctx: PageContext, name: string): Promise<void> {
    const compiled = this.previews.templateOf(ctx.manifest, name);
    const customer = ctx.query.get('customer') ?? '';
    if (!compiled) return send(res, 404, 'text/plain', `no template "${name}"\n`);
    const preview = await this.previews.render(ctx.manifest, compiled, customer, {
      showPii: ctx.query.get('pii') === 'show',
      ...(ctx.query.get('lang') ? { language: ctx.query.get('lang')! } : {}),
    });
    if (!preview.ok)
      return send(
        res,
        422,
        'text/html',
        html`<p style="font-family:sans-serif;color:#b3261e">Cannot preview for ${customer}: ${preview.reason}</p>`.value,
      );
    const mode = ctx.query.get('mode');
    if (mode === 'source') return send(res, 200, 'text/plain', preview.email.html);
    send(res, 200, 'text/html', emailDocument(preview.email, mode));
  }

  private asset(res: ServerResponse, name: string | undefined): void {
    if (name === 'client.js') return send(res, 200, 'text/javascript', CLIENT_JS);
    if (name === 'style.css') return send(res, 200, 'text/css', STYLE_CSS);
    if (name === 'mermaid.js' && MERMAID) return send(res, 200, 'text/javascript', readFileSync(MERMAID, 'utf8'));
    send(res, 404, 'text/plain', 'no such asset\n');
  }
}

/** The mermaid package's browser bundle, when it is installed (it is optional: no CDN is ever used). */
const MERMAID = (() => {
  try {
    return createRequire(import.meta.url).resolve('mermaid/dist/mermaid.min.js');
  } catch {
    return undefined;
  }
})();

export const HAS_MERMAID = MERMAID !== undefined;

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, {
    'Content-Type': `${type}; charset=utf-8`,
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
  });
  res.end(body);
}
