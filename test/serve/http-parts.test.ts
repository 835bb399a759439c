import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Router } from '../../runtime/serve/http/router.ts';
import { RateLimiter } from '../../runtime/serve/http/rate-limit.ts';
import { Metrics } from '../../runtime/serve/metrics.ts';
import { WriteKeys } from '../../runtime/serve/intake/auth.ts';
import { jsonLogger } from '../../runtime/serve/log.ts';
import { maskId } from '../../compiler/contract/personal-data.ts';
import type { Route } from '../../runtime/serve/extension.ts';

const route = (method: Route['method'], path: string): Route => ({ method, path, handle: async () => ({ status: 200 }) });

describe('the serve HTTP parts', () => {
  it('routes literals before parameters, takes the rest with *name, and says which methods a path allows', () => {
    const router = new Router([
      route('POST', '/v1/:kind'),
      route('POST', '/v1/batch'),
      route('GET', '/u/*token'),
      route('GET', '/v1/customers/:id/scores'),
    ]);
    const batch = router.match('POST', '/v1/batch');
    expect(batch && 'route' in batch && batch.route.path).toBe('/v1/batch');
    const kind = router.match('POST', '/v1/track');
    expect(kind && 'route' in kind && kind.params).toEqual({ kind: 'track' });
    const rest = router.match('GET', '/u/a/b%20c');
    expect(rest && 'route' in rest && rest.params.token).toBe('a/b c');
    const scores = router.match('GET', '/v1/customers/c%2F1/scores');
    expect(scores && 'route' in scores && scores.params.id).toBe('c/1');
    expect(router.match('GET', '/v1/track')).toEqual({ allowed: ['POST'] });
    expect(router.match('GET', '/nothing')).toBeUndefined();
    expect(router.match('GET', '/u/%E0%A4%A')).toBeUndefined();
  });

  it('never lets more requests through than the burst plus the rate over any span of time', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 1, max: 20 }),
        fc.array(fc.integer({ min: 0, max: 400 }), { minLength: 1, maxLength: 200 }),
        (perSecond, burst, gaps) => {
          let t = 0;
          const limiter = new RateLimiter({ perSecond, burst }, () => t);
          let passed = 0;
          for (const gap of gaps) {
            t += gap;
            const wait = limiter.take('k');
            if (wait === 0) passed++;
            else expect(wait).toBeGreaterThanOrEqual(1);
          }
          expect(passed).toBeLessThanOrEqual(burst + Math.floor((t / 1000) * perSecond) + 1);
        },
      ),
    );
  });

  it('renders Prometheus text with escaped labels and cumulative histogram buckets', () => {
    const m = new Metrics();
    m.counter('x_total', 'Things.', ['reason']).inc({ reason: 'a "b"\nc' }, 2);
    const h = m.histogram('lat_seconds', 'Latency.', [0.1, 1]);
    h.observe(0.05);
    h.observe(0.5);
    h.observe(5);
    const text = m.render();
    expect(text).toContain('x_total{reason="a \\"b\\"\\nc"} 2');
    expect(text).toContain('lat_seconds_bucket{le="0.1"} 1\nlat_seconds_bucket{le="1"} 2\nlat_seconds_bucket{le="+Inf"} 3');
    expect(text).toContain('lat_seconds_count 3');
    expect(() => m.counter('bad name', 'x')).toThrow();
  });

  it('takes any of several write keys as the Basic user name, and nothing else', () => {
    const keys = WriteKeys.fromEnv({ K: ' old , new ' }, 'K');
    const basic = (user: string) => ({ authorization: `Basic ${Buffer.from(`${user}:`).toString('base64')}` });
    expect(keys.accepts(basic('old'))).toBe(true);
    expect(keys.accepts(basic('new'))).toBe(true);
    expect(keys.accepts(basic('other'))).toBe(false);
    expect(keys.accepts(basic(''))).toBe(false);
    expect(keys.accepts({ authorization: 'Bearer old' })).toBe(false);
    expect(keys.accepts({})).toBe(false);
    expect(WriteKeys.fromEnv({}, 'K').size).toBe(0);
  });

  it('writes JSON log lines with addresses masked', () => {
    const lines: string[] = [];
    const log = jsonLogger(
      (l) => lines.push(l),
      () => new Date(0),
    );
    log.error('failed for ada@example.com', {
      error: new Error('550 <ada@example.com>: no such user'),
      customer: maskId('ada@example.com'),
    });
    const record = JSON.parse(lines[0]!);
    expect(record).toMatchObject({ level: 'error', time: '1970-01-01T00:00:00.000Z' });
    expect(lines[0]).not.toContain('ada@example.com');
    expect(record.customer).not.toContain('example.com');
  });
});
