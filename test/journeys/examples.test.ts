import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CompiledTest } from '../../compiler/contract/journey.ts';
import type { Manifest } from '../../compiler/contract/manifest.ts';
import { openDatabase } from '../../runtime/db/open.ts';
import { ingestWorkspace } from '../../runtime/ingest/index.ts';
import { runTest } from '../../runtime/journeys/tests/run-test.ts';
import { REPO, compileOrThrow, workspaceFrom } from './support.ts';
import { prepare, run } from './run-support.ts';

/**
 * Every example workspace's Test documents pass, and every journey example also runs on its own
 * data (ingested from its data/ folder) over the window its herald.yaml names, sending something.
 */
const EXAMPLES = join(REPO, 'examples');
const withTests = readdirSync(EXAMPLES).filter((name) => {
  const dir = join(EXAMPLES, name);
  return (
    existsSync(join(dir, 'herald.yaml')) &&
    readdirSync(dir).some((f) => f.endsWith('.yaml') && /^kind: Test$/m.test(readFileSync(join(dir, f), 'utf8')))
  );
});

const manifests = new Map<string, Manifest>();
const manifestOf = (name: string) => {
  if (!manifests.has(name)) manifests.set(name, compileOrThrow(join(EXAMPLES, name)));
  return manifests.get(name)!;
};

describe('example workspaces', () => {
  it('include the journey and campaign scenarios, each with tests', () => {
    expect(withTests).toEqual(
      expect.arrayContaining(['ab-subject-test', 'cart-abandonment', 'lifecycle-transitions', 'onboarding', 'win-back']),
    );
  });

  it('the flagship workspace: every Test in campaigns/tests passes', async () => {
    const manifest = compileOrThrow(join(REPO, 'campaigns'));
    const tests = Object.values(manifest.definitions).filter((d) => d.kind === 'Test');
    expect(tests.map((t) => t.file).every((f) => f.startsWith('tests/'))).toBe(true);
    expect(new Set(tests.map((t) => (t.compiled as CompiledTest).target.name))).toEqual(
      new Set(['cart_recovery', 'welcome_series', 'win_back', 'december_newsletter']),
    );
    for (const t of tests) {
      const result = await runTest(manifest, t.compiled as CompiledTest);
      expect(result.failures.map((f) => `${t.name} expect[${f.index}]\n${f.message}`)).toEqual([]);
    }
  });

  for (const name of withTests) {
    it(`${name}: every Test passes`, async () => {
      const manifest = manifestOf(name);
      const tests = Object.values(manifest.definitions).filter((d) => d.kind === 'Test');
      expect(tests.length).toBeGreaterThan(0);
      for (const t of tests) {
        const result = await runTest(manifest, t.compiled as CompiledTest);
        expect(result.failures.map((f) => `${t.name} expect[${f.index}]\n${f.message}`)).toEqual([]);
        expect(result.problems).toEqual([]);
      }
    });

    it(`${name}: runs on its own data over the window its herald.yaml names`, async () => {
      const manifest = manifestOf(name);
      // The run command in the header comment: `herald run examples/<name> --from A --until B`.
      const header = readFileSync(join(EXAMPLES, name, 'herald.yaml'), 'utf8');
      const window = /herald run examples\/\S+ --from (\S+) --until (\S+)/.exec(header);
      expect(window, 'herald.yaml names a run window').not.toBeNull();
      const dir = workspaceFrom(join(EXAMPLES, name));
      const db = openDatabase(`sqlite:${join(dir, 'run.db')}`);
      try {
        await prepare(db, manifest);
        const ingested = await ingestWorkspace({ db, manifest, root: dir, now: () => 0 });
        expect(ingested.files.every((f) => f.status !== 'failed')).toBe(true);
        const { summary } = await run(db, manifest, { from: Date.parse(window![1]!), until: Date.parse(window![2]!) });
        expect(summary.delivery.sent).toBeGreaterThan(0);
        expect(summary.problems.filter((p) => p.severity === 'error')).toEqual([]);
      } finally {
        await db.close();
      }
    });
  }
});
