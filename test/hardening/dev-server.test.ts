import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyShop } from '../dev/support/workspace.ts';
import { startTestDev } from '../dev/support/dev-server.ts';

const shop = copyShop('herald-dev-guard-');
let dev: Awaited<ReturnType<typeof startTestDev>>;

beforeAll(async () => {
  dev = await startTestDev(shop.dir);
}, 60_000);
afterAll(async () => {
  await dev.close();
  shop.dispose();
});

/** A raw request, so the Host header can be anything (fetch does not let a caller set it). */
function raw(path: string, headers: Record<string, string>): Promise<{ status: number; body: string; cookie: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: dev.port, path, headers }, (res) => {
      let body = '';
      res.on('data', (c) => (body += String(c)));
      res.on('end', () => resolve({ status: res.statusCode!, body, cookie: res.headers['set-cookie']?.[0] }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('herald dev guards', () => {
  it('answers only loopback host names with its port (a DNS-rebinding page is refused)', async () => {
    for (const host of [`localhost:${dev.port}`, `127.0.0.1:${dev.port}`, `[::1]:${dev.port}`]) {
      expect((await raw('/', { host })).status).toBe(200);
    }
    for (const host of [`evil.test:${dev.port}`, 'localhost', `localhost:${dev.port + 1}`, `127.0.0.1.nip.io:${dev.port}`]) {
      const res = await raw('/templates/welcome?pii=show', { host });
      expect(res.status).toBe(421);
      expect(res.body).toContain('herald dev answers only requests for localhost:');
    }
  });

  it('personal data needs the session token, given once in the start URL and kept as a cookie', async () => {
    const host = `127.0.0.1:${dev.port}`;
    const without = await raw('/templates/welcome?pii=show', { host });
    expect(without.status).toBe(403);
    expect(without.body).toContain("personal data is shown only with this session's token");
    expect((await raw('/templates/welcome?pii=show&token=wrong', { host })).status).toBe(403);
    expect(dev.startUrl).toBe(`${dev.url}?token=${dev.server.guard.token}`);
    const first = await raw(`/?token=${dev.server.guard.token}`, { host });
    expect(first.status).toBe(200);
    expect(first.cookie).toMatch(/^herald_dev_token=[\w-]+; Path=\/; HttpOnly; SameSite=Strict$/);
    const withCookie = await raw('/templates/welcome?pii=show', { host, cookie: first.cookie!.split(';')[0]! });
    expect(withCookie.status).toBe(200);
  });
});
