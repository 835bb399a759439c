import { Agent, request } from 'node:http';

/**
 * A lean HTTP client for the serve benchmark: node:http with keep-alive connections (fetch costs
 * several times more CPU per request, and the client shares the process with the server).
 */
export function poster(
  base: string,
  auth: string,
  connections: number,
): (path: string, body: string) => Promise<{ status: number; text: string }> {
  const url = new URL(base);
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const once = (path: string, body: string) =>
    new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = request(
        {
          host: url.hostname,
          port: url.port,
          path,
          method: 'POST',
          agent,
          headers: { 'content-type': 'application/json', authorization: auth, 'content-length': Buffer.byteLength(body) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  // A kept-alive connection the server closed as idle just as it was reused: sent again (every
  // message carries its messageId, so a repeat stores nothing twice).
  return (path, body) =>
    once(path, body).catch((e: NodeJS.ErrnoException) => (e.code === 'ECONNRESET' ? once(path, body) : Promise.reject(e)));
}
