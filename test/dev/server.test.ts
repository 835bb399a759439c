import { createServer } from 'node:net';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyShop } from './support/workspace.ts';
import { get, nextBuild, startTestDev } from './support/dev-server.ts';

/** `herald dev` over plain HTTP: pages, build events, and the awkward ways files change on disk. */
const shop = copyShop('herald-dev-server-');
let dev: Awaited<ReturnType<typeof startTestDev>>;
const file = (rel: string) => join(shop.dir, rel);
const read = (rel: string) => readFileSync(file(rel), 'utf8');

beforeAll(async () => {
  dev = await startTestDev(shop.dir);
});

afterAll(async () => {
  await dev.close();
  shop.dispose();
});

/** Reads server-sent events from /events until `until` returns true for one (then disconnects). */
async function readEvents(until: (event: { id: number; ok: boolean; overlay: string }) => boolean, ms = 15_000) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), ms);
  const seen: Array<{ id: number; ok: boolean; overlay: string }> = [];
  try {
    const res = await fetch(`${dev.url}events`, { signal: controller.signal });
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of res.body!) {
      buffer += decoder.decode(chunk as Uint8Array, { stream: true });
      let end;
      while ((end = buffer.indexOf('\n\n')) !== -1) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (!block.includes('event: build') || !data) continue;
        const event = JSON.parse(data);
        seen.push(event);
        if (until(event)) return seen;
      }
    }
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
  return seen;
}

describe('herald dev server', () => {
  it('serves the overview, template pages, emails and page fragments', async () => {
    const home = await get(dev.url);
    expect(home.status).toBe(200);
    expect(home.body).toContain('<a href="/templates/welcome">welcome</a>');
    expect(home.body).toContain('<a href="/segments/big_spenders">big_spenders</a>');
    expect(home.body).toContain('<a href="/journeys/cart_recovery">cart_recovery</a>');
    const page = await get(`${dev.url}templates/welcome`);
    expect(page.body).toContain('Welcome, Ada!');
    expect(page.body).toContain('Thanks for joining us');
    expect(page.body).toContain('Hello there, welcome aboard.'); // c_2 has no first name: the default
    const fragment = await get(`${dev.url}templates/welcome`, { 'X-Herald-Fragment': '1' });
    expect(fragment.body.startsWith('<h1>welcome')).toBe(true);
    expect(fragment.body).not.toContain('<html');
    const email = await get(`${dev.url}templates/welcome/email?customer=c_1`);
    expect(email.body).toContain('Hello Ada, welcome aboard.');
    const source = await fetch(`${dev.url}templates/welcome/email?customer=c_1&mode=source`);
    expect(source.headers.get('content-type')).toContain('text/plain');
    expect(await source.text()).toContain('Hello Ada, welcome aboard.');
    const dark = await get(`${dev.url}templates/welcome/email?customer=c_1&mode=dark`);
    expect(dark.body).toContain('invert(1)');
    const typed = await get(`${dev.url}templates/welcome?customer=nobody`);
    expect(typed.body).toContain('HL561: cannot preview for this customer: no customer &quot;nobody&quot; in the sample data');
    expect((await get(`${dev.url}templates/welcome/email?customer=nobody`)).status).toBe(422);
    const missing = await get(`${dev.url}templates/nope`);
    expect(missing.status).toBe(404);
    expect(missing.body).toContain('href="/templates/welcome"');
    const journey = await get(`${dev.url}journeys/cart_recovery`);
    expect(journey.body).toContain('data-step="remind"');
    expect(journey.body).toContain('send <a href="/templates/offer">offer</a>');
    expect(journey.body).toMatch(
      /<pre class="mermaid">flowchart TD\n  entry_\(\[&quot;on added_to_cart \(once per 1w\)&quot;\]\) --&gt; s_wait_1h/,
    );
    const segment = await get(`${dev.url}segments/big_spenders`);
    expect(segment.body).toContain('spend_90d &gt; 100 and rfm.monetary &gt;= 4');
    expect(segment.body).toContain('No preview database');
    expect((await get(`${dev.url}%E0%A4%A`)).status).toBe(400);
  });

  it('survives invalid YAML saved mid-edit, tells open pages, and recovers', async () => {
    const original = read('segments.yaml');
    const failed = nextBuild(dev, (b) => !b.ok);
    writeFileSync(file('segments.yaml'), original.replace('where: email_consent', 'where: [email_consent'));
    const broken = await failed;
    expect(broken.diagnostics.some((d) => d.file === 'segments.yaml' && d.severity === 'error')).toBe(true);
    // The server still serves the last good build, with the overlay.
    const page = await get(`${dev.url}segments/reachable`);
    expect(page.status).toBe(200);
    expect(page.body).toContain('<h1>reachable</h1>');
    expect(page.body).toMatch(/<div id="herald-overlay">.*segments\.yaml/s);
    const events = readEvents((e) => e.ok);
    writeFileSync(file('segments.yaml'), original);
    const seen = await events;
    expect(seen[0]!.ok).toBe(false);
    expect(seen[0]!.overlay).toContain('segments.yaml');
    expect(seen.at(-1)!.ok).toBe(true);
    expect(seen.at(-1)!.overlay).toBe('');
  });

  it('reports a deleted file that others reference, and takes it back', async () => {
    const saved = read('templates/offer.yaml');
    const failed = nextBuild(dev, (b) => !b.ok);
    rmSync(file('templates/offer.yaml'));
    const broken = await failed;
    const unknown = broken.diagnostics.filter((d) => d.code === 'HL302');
    expect(unknown.map((d) => d.file).sort()).toEqual(['campaigns.yaml', 'journeys.yaml']);
    expect(unknown[0]!.message).toContain('"offer"');
    const fixed = nextBuild(dev, (b) => b.ok);
    writeFileSync(file('templates/offer.yaml'), saved);
    expect((await fixed).ok).toBe(true);
  });

  it('handles editor saves: truncate then write, write a temporary file then rename, renames, new files', async () => {
    // Truncate, then write: one rebuild sees the final content and no error lingers.
    const mjml = read('templates/welcome.mjml');
    let settled = nextBuild(
      dev,
      (b) =>
        b.ok &&
        (dev.session.manifest?.definitions['Template/welcome']?.compiled as { text: string }).text.includes('truncated then written'),
    );
    writeFileSync(file('templates/welcome.mjml'), '');
    writeFileSync(file('templates/welcome.mjml'), mjml.replace('welcome aboard', 'truncated then written'));
    await settled;
    expect(dev.session.current.ok).toBe(true);

    // A temporary file renamed over the original (what many editors do).
    settled = nextBuild(
      dev,
      (b) =>
        b.ok && (dev.session.manifest?.definitions['Template/welcome']?.compiled as { text: string }).text.includes('renamed into place'),
    );
    writeFileSync(file('templates/.welcome.mjml.swp'), mjml.replace('welcome aboard', 'renamed into place'));
    renameSync(file('templates/.welcome.mjml.swp'), file('templates/welcome.mjml'));
    await settled;
    expect((await get(`${dev.url}templates/welcome`)).body).toContain('renamed into place');

    // A YAML file moved into a folder: the same definitions, from the new path.
    settled = nextBuild(dev, (b) => b.ok && dev.session.manifest?.definitions['Segment/reachable']?.file === 'audiences/segments.yaml');
    mkdirSync(file('audiences'));
    renameSync(file('segments.yaml'), file('audiences/segments.yaml'));
    await settled;

    // A new template (YAML and MJML) appears on the site.
    settled = nextBuild(dev, (b) => b.ok && dev.session.manifest?.definitions['Template/hello'] !== undefined);
    writeFileSync(
      file('templates/hello.mjml'),
      '<mjml><mj-body><mj-section><mj-column><mj-text>Hi {{ customer.first_name | default("you") }}</mj-text><mj-text><a href="{{ unsubscribe_url }}">Unsubscribe</a></mj-text></mj-column></mj-section></mj-body></mjml>\n',
    );
    writeFileSync(
      file('templates/hello.yaml'),
      'apiVersion: herald/v1\nkind: Template\nmetadata: { name: hello }\nspec:\n  subject: Hello\n  mjml: hello.mjml\n  sample_data: ../data/sample.yaml\n  sample_customers: [c_1]\n',
    );
    await settled;
    expect((await get(`${dev.url}templates/hello`)).body).toContain('Hi Ada');
    // The build is only ok once the whole template is there; unused-definition warnings are allowed.
    expect(dev.session.current.ok).toBe(true);
  });

  it('debounces a burst of 200 file changes into one rebuild', async () => {
    await new Promise((r) => setTimeout(r, 300)); // let earlier changes settle
    const builds: number[] = [];
    const off = dev.session.onBuild((b) => builds.push(b.id));
    const done = nextBuild(dev, () => true);
    mkdirSync(file('bulk'));
    for (let i = 0; i < 200; i++) {
      writeFileSync(
        file(`bulk/segment_${i}.yaml`),
        `apiVersion: herald/v1\nkind: Segment\nmetadata: { name: bulk_${i} }\nspec: { where: email_consent and count(purchase within ${i + 1}d) >= 1 }\n`,
      );
    }
    const build = await done;
    await new Promise((r) => setTimeout(r, 600)); // any straggling rebuild would come now
    off();
    expect(builds).toEqual([build.id]);
    expect(build.cause.length).toBeGreaterThanOrEqual(200);
    expect(build.ok).toBe(true);
    expect(Object.keys(dev.session.manifest!.definitions).filter((k) => k.startsWith('Segment/bulk_'))).toHaveLength(200);
  });

  it('keeps serving when the compiler crashes, and says so', async () => {
    const real = dev.session.compiler.build.bind(dev.session.compiler);
    dev.session.compiler.build = () => {
      throw new Error('simulated crash');
    };
    try {
      const build = dev.session.rebuild(['herald.yaml']);
      expect(build.ok).toBe(false);
      expect(build.diagnostics[0]).toMatchObject({ code: 'HL563', severity: 'error' });
      expect(build.diagnostics[0]!.message).toContain('simulated crash');
      const page = await get(`${dev.url}templates/welcome`);
      expect(page.status).toBe(200);
      expect(page.body).toContain('HL563');
    } finally {
      dev.session.compiler.build = real;
    }
    expect(dev.session.rebuild(['herald.yaml']).ok).toBe(true);
  });
});

describe('herald dev start-up', () => {
  it('takes the next free port when the asked one is in use, and says so', async () => {
    const blocker = createServer();
    const port = await new Promise<number>((resolve) =>
      blocker.listen(0, '127.0.0.1', () => resolve((blocker.address() as { port: number }).port)),
    );
    const other = copyShop('herald-dev-port-');
    try {
      const second = await startTestDev(other.dir, { port });
      try {
        expect(second.port).toBeGreaterThan(port);
        expect(second.log.join('\n')).toContain(`port ${port} is in use; serving on ${second.port} instead`);
        expect((await get(second.url)).status).toBe(200);
      } finally {
        await second.close();
      }
    } finally {
      blocker.close();
      other.dispose();
    }
  });
});
