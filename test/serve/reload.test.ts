import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../runtime/db/open.ts';
import { OUTBOX } from '../../runtime/delivery/outbox.ts';
import { cartWorkspace, post, spawnServe, waitFor, type ServeWorkspace } from './support.ts';

/**
 * `herald serve` as a real process on the real clock: SIGHUP reloads a changed workspace (new sends
 * use the changed template; a campaign added then launches when its time comes), and a workspace
 * with errors is refused with a logged error while the previous one keeps serving. One process
 * for the three steps (starting one costs seconds on a busy machine).
 */
const ENV = { HERALD_WRITE_KEY: 'k1' };
const OLD_SUBJECT = 'you left something behind';
const NEW_SUBJECT = 'your basket misses you';
const CAMPAIGN_SUBJECT = 'The spring collection is here';
/** How far ahead of the reload the campaign is due: room for a recompile on a busy machine. */
const CAMPAIGN_LEAD_MS = 8_000;

const campaign = (sendAt: string) => `apiVersion: herald/v1
kind: Segment
metadata: { name: subscribers }
spec: { where: email_consent }
---
apiVersion: herald/v1
kind: Template
metadata: { name: spring_note }
spec:
  subject: ${CAMPAIGN_SUBJECT}
  layout: layouts/base.mjml
  mjml: spring_note.mjml
---
apiVersion: herald/v1
kind: Campaign
metadata: { name: spring_launch }
spec:
  audience: subscribers
  template: spring_note
  send_at: "${sendAt}"
`;

describe('herald serve reloads on SIGHUP [sqlite]', { timeout: 120_000 }, () => {
  const ws: ServeWorkspace = cartWorkspace({ sendFirst: true });
  const out = join(ws.dir, 'out');
  afterAll(() => ws.dispose());

  /** Subjects of the emails written to out/ for a customer's address. */
  const subjects = (address: string): string[] =>
    existsSync(out)
      ? readdirSync(out)
          .filter((f) => f.endsWith('.eml'))
          .map((f) => readFileSync(join(out, f), 'utf8'))
          .filter((mime) => new RegExp(`^To: .*${address}`, 'm').test(mime))
          .map((mime) => /^Subject: (.*)$/m.exec(mime)?.[1] ?? '')
      : [];
  const cart = async (base: string, id: string) => {
    const batch = [
      { type: 'identify', userId: id, traits: { email: `${id}@example.test`, first_name: 'Ada', email_consent: true } },
      { type: 'track', userId: id, event: 'added_to_cart', properties: { item_id: 'A', price: 2 } },
    ];
    expect((await post(base, '/v1/batch', { batch })).status).toBe(200);
    return waitFor(`the cart email of ${id}`, () =>
      subjects(`${id}@example.test`).length > 0 ? subjects(`${id}@example.test`) : undefined,
    );
  };
  const hangUp = async (server: Awaited<ReturnType<typeof spawnServe>>, logged: string) => {
    const before = server.output().split(logged).length;
    server.child.kill('SIGHUP');
    await waitFor(`"${logged}" in the log`, () => server.output().split(logged).length > before || undefined, 60_000);
  };

  it('serves a changed template and a new campaign after SIGHUP, keeps them when a broken workspace is refused, and launches the campaign on time', async () => {
    const server = await spawnServe([ws.dir, '--port', '0', '--dry-run'], ENV);
    const templates = join(ws.dir, 'templates', 'templates.yaml');
    const journeys = join(ws.dir, 'journeys.yaml');
    try {
      expect(await cart(server.base, 'r_1')).toEqual([expect.stringContaining(OLD_SUBJECT)]);

      // A changed template and a campaign due in a few seconds, picked up by SIGHUP.
      writeFileSync(templates, readFileSync(templates, 'utf8').replace(OLD_SUBJECT, NEW_SUBJECT));
      writeFileSync(
        join(ws.dir, 'templates', 'spring_note.mjml'),
        '<mj-section><mj-column><mj-text>New in.</mj-text></mj-column></mj-section>\n',
      );
      const sendAt = new Date(Math.ceil((Date.now() + CAMPAIGN_LEAD_MS) / 1000) * 1000);
      writeFileSync(join(ws.dir, 'templates', 'spring.yaml'), campaign(sendAt.toISOString().replace('.000Z', 'Z')));
      await hangUp(server, '"workspace reloaded"');
      expect(await cart(server.base, 'r_2')).toEqual([expect.stringContaining(NEW_SUBJECT)]);

      // A workspace with an error is refused, with the reason logged; the reloaded one keeps serving.
      const working = readFileSync(journeys, 'utf8');
      writeFileSync(journeys, working.replace('send: cart_reminder', 'send: no_such_template'));
      await hangUp(server, 'reload refused');
      expect(server.output()).toContain('no_such_template');
      expect(await cart(server.base, 'r_3')).toEqual([expect.stringContaining(NEW_SUBJECT)]);
      writeFileSync(journeys, working);
      expect(Date.now(), 'the steps before the campaign took longer than its lead').toBeLessThan(sendAt.getTime());
      expect(subjects('r_1@example.test')).toHaveLength(1);

      // The campaign goes out when the real clock reaches its time, to every subscriber.
      for (const id of ['r_1', 'r_2', 'r_3'])
        await waitFor(
          `the campaign email of ${id}`,
          () => subjects(`${id}@example.test`).some((s) => s.includes(CAMPAIGN_SUBJECT)) || undefined,
        );
      const db = openDatabase(`sqlite:${join(ws.dir, '.herald', 'cart.db')}`);
      try {
        const launch = await db.kysely
          .selectFrom('campaign_launches')
          .selectAll()
          .where('campaign', '=', 'spring_launch')
          .executeTakeFirstOrThrow();
        expect(launch.status).not.toBe('missed');
        expect(Number(launch.launched_at)).toBe(sendAt.getTime());
        const sent = await db.kysely
          .selectFrom(OUTBOX)
          .select('sent_at')
          .where('origin_kind', '=', 'campaign')
          .where('origin_name', '=', 'spring_launch')
          .execute();
        expect(sent).toHaveLength(3);
        for (const s of sent) expect(Number(s.sent_at)).toBeGreaterThanOrEqual(sendAt.getTime());
      } finally {
        await db.close();
      }
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
    }
  });
});
