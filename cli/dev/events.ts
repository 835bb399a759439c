import type { ServerResponse } from 'node:http';
import { overlayMarkup } from './pages/overlay.ts';
import { statusLine } from './pages/layout.ts';
import type { DevBuild } from './session.ts';

/** What a browser is told about each build (the `build` server-sent event). */
export interface BuildEvent {
  id: number;
  ok: boolean;
  status: string;
  /** The diagnostics overlay's markup; empty when the build has no errors. */
  overlay: string;
  changed: string[];
}

export function buildEvent(build: DevBuild): BuildEvent {
  return { id: build.id, ok: build.ok, status: statusLine(build), overlay: overlayMarkup(build), changed: build.changed };
}

/**
 * The open preview pages, as server-sent event streams: every build is sent to all of them (the
 * client swaps in the new content or shows the overlay), with a comment every 15 s so proxies and
 * browsers keep the connection.
 */
export class BuildEvents {
  private readonly clients = new Set<ServerResponse>();
  private readonly heartbeat: NodeJS.Timeout;

  constructor() {
    this.heartbeat = setInterval(() => {
      for (const res of this.clients) res.write(': keep-alive\n\n');
    }, 15_000);
    this.heartbeat.unref();
  }

  get size(): number {
    return this.clients.size;
  }

  /** Starts a stream, sending the latest build at once so a page opened mid-error shows the overlay. */
  open(res: ServerResponse, latest: DevBuild): void {
    res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-store', Connection: 'keep-alive' });
    res.write('retry: 1000\n\n');
    this.clients.add(res);
    res.on('close', () => this.clients.delete(res));
    this.send(res, latest);
  }

  broadcast(build: DevBuild): void {
    for (const res of this.clients) this.send(res, build);
  }

  close(): void {
    clearInterval(this.heartbeat);
    for (const res of this.clients) res.end();
    this.clients.clear();
  }

  private send(res: ServerResponse, build: DevBuild): void {
    res.write(`event: build\nid: ${build.id}\ndata: ${JSON.stringify(buildEvent(build))}\n\n`);
  }
}
