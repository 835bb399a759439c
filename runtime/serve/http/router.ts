import type { Route } from '../extension.ts';

/**
 * Routes by method and path pattern: literal segments, `:name` parameters and a final `*name`
 * taking the rest. Literal routes win over parameter routes of the same length, so `/v1/batch`
 * is never taken by `/v1/:kind`. Parameters are percent-decoded; a path that does not decode
 * matches nothing.
 */
interface Compiled {
  route: Route;
  segments: string[];
  rest?: string;
  literals: number;
}

export interface Match {
  route: Route;
  params: Record<string, string>;
}

export class Router {
  private readonly compiled: Compiled[];

  constructor(routes: readonly Route[]) {
    this.compiled = routes.map((route) => {
      const parts = route.path.split('/').filter((p) => p !== '');
      const last = parts[parts.length - 1];
      const rest = last?.startsWith('*') ? last.slice(1) : undefined;
      const segments = rest !== undefined ? parts.slice(0, -1) : parts;
      return { route, segments, ...(rest !== undefined ? { rest } : {}), literals: segments.filter((s) => !s.startsWith(':')).length };
    });
    this.compiled.sort((a, b) => b.literals - a.literals || (a.rest === undefined ? -1 : 1));
  }

  /** The matching route, or which methods the path allows (405) when only the method differs. */
  match(method: string, path: string): Match | { allowed: string[] } | undefined {
    const parts = path.split('/').filter((p) => p !== '');
    const allowed = new Set<string>();
    for (const c of this.compiled) {
      const params = matchParts(c, parts);
      if (!params) continue;
      if (c.route.method === method || (method === 'HEAD' && c.route.method === 'GET')) return { route: c.route, params };
      allowed.add(c.route.method);
    }
    return allowed.size > 0 ? { allowed: [...allowed].sort() } : undefined;
  }
}

function matchParts(c: Compiled, parts: string[]): Record<string, string> | undefined {
  if (c.rest === undefined ? parts.length !== c.segments.length : parts.length <= c.segments.length) return undefined;
  const params: Record<string, string> = Object.create(null);
  try {
    for (let i = 0; i < c.segments.length; i++) {
      const seg = c.segments[i]!;
      if (seg.startsWith(':')) params[seg.slice(1)] = decodeURIComponent(parts[i]!);
      else if (seg !== parts[i]) return undefined;
    }
    if (c.rest !== undefined) params[c.rest] = parts.slice(c.segments.length).map(decodeURIComponent).join('/');
  } catch {
    return undefined;
  }
  return params;
}
