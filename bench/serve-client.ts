import { Agent, request } from 'node:http';

/**
 * A lean HTTP client for the serve benchmarks: node:http with keep-alive connections (fetch costs
 * several times more CPU per request, and the client shares the process with the server).
 */
type Answer = { status: number; text: string };

function client(base: string, auth: string, connections: number): (method: 'GET' | 'POST', path: string, body?: string) => Promise<Answer> {
  const url = new URL(base);
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const once = (method: 'GET' | 'POST', path: string, body?: string) =>
    new Promise<Answer>((resolve, reject) => {
      const headers: Record<string, string | number> = { authorization: auth };
      if (body !== undefined) Object.assign(headers, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      const req = request({ host: url.hostname, port: url.port, path, method, agent, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(body);
    });
  // A kept-alive connection the server closed as idle just as it was reused: sent again (every
  // posted message carries its messageId, so a repeat stores nothing twice; a GET changes nothing).
  return (method, path, body) =>
    once(method, path, body).catch((e: NodeJS.ErrnoException) => (e.code === 'ECONNRESET' ? once(method, path, body) : Promise.reject(e)));
}

export function poster(base: string, auth: string, connections: number): (path: string, body: string) => Promise<Answer> {
  const send = client(base, auth, connections);
  return (path, body) => send('POST', path, body);
}

export function getter(base: string, auth: string, connections: number): (path: string) => Promise<Answer> {
  const send = client(base, auth, connections);
  return (path) => send('GET', path);
}
