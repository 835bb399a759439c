import { existsSync } from 'node:fs';
import type { PipelineResult } from '../compiler/index.ts';
import type { Diagnostic } from '../compiler/diagnostics/diagnostic.ts';
import { ruleRange } from '../compiler/1-load/rules.ts';
import { modelReads } from '../compiler/models/model-reads.ts';
import { chooseDatabaseOf } from './database-choice.ts';
import { messageOf } from '../compiler/diagnostics/catalogue/index.ts';

/** How long validate waits for a database server before leaving the check out. */
const CONNECT_TIMEOUT_MS = 3_000;

/**
 * HL442 at compile time: a rule reads `score(m)` or `tier(m)` but the workspace's database has no
 * active version of model m, so `herald segments` would stop with HL572. The model store lives in
 * the database, so this is checked only where one is configured and already exists (a SQLite file
 * on disk, or a PostgreSQL server that answers within a few seconds): validate and compile never
 * create a database, and without one (a fresh CI checkout) there is nothing to compare with.
 * Each warning points at the call in the rule that reads the model.
 */
export async function untrainedModelWarnings(result: PipelineResult, env: NodeJS.ProcessEnv): Promise<Diagnostic[]> {
  const analyzed = result.analyzed;
  if (!analyzed) return [];
  const reads = modelReads(analyzed.definitions);
  if (reads.length === 0) return [];
  // The database modules (and their drivers) load only when a rule reads a model.
  const { parseDatabaseUrl, redactUrl } = await import('../runtime/db/url.ts');
  const workspace = result.validated?.workspace;
  const choice = chooseDatabaseOf(undefined, env, workspace?.spec.database, workspace?.name ?? '');
  let location;
  try {
    location = parseDatabaseUrl(choice.url, result.loaded.root);
  } catch {
    return []; // a bad URL is reported by the commands that use the database
  }
  if (location.dialect === 'sqlite' && (location.path === ':memory:' || !existsSync(location.path))) return [];
  const untrained = await withDatabase(
    choice.url,
    result.loaded.root,
    reads.map((r) => r.model),
  );
  if (!untrained) return [];
  const where = redactUrl(choice.url);
  const missing = new Map(untrained.map((u) => [u.model, u.versions]));
  const owners = new Map([...analyzed.definitions.values()].map((d) => [d.doc, d]));
  const out: Diagnostic[] = [];
  for (const read of reads) {
    const versions = missing.get(read.model);
    const def = owners.get(read.site.doc);
    if (versions === undefined || !def) continue;
    out.push({
      code: 'HL442',
      severity: 'warning',
      message: messageOf('HL442', {
        definition: `${def.kind.toLowerCase()} ${def.name}`,
        fn: read.fn,
        model: read.model,
        triedVersions: versions,
        database: where,
      }),
      file: read.site.doc.file.path,
      range: ruleRange(read.site, read.call.span),
      help: versions
        ? `its report under .herald/models/${read.model}/ says why the bar was not met`
        : `run \`herald train --model ${read.model}\`, then \`herald score --model ${read.model}\``,
    });
  }
  return out;
}

/** The untrained reads, or undefined when the database cannot be asked in time. */
async function withDatabase(
  url: string,
  baseDir: string,
  models: string[],
): Promise<Array<{ model: string; versions: number }> | undefined> {
  const [{ openDatabase }, { untrainedModels }] = await Promise.all([
    import('../runtime/db/open.ts'),
    import('../runtime/models/require-trained.ts'),
  ]);
  const db = openDatabase(url, { baseDir, maxConnections: 1 });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), CONNECT_TIMEOUT_MS);
  });
  const ask = (async () => {
    try {
      return await untrainedModels(db.kysely, models);
    } catch (e) {
      // A database without Herald's model tables has never trained anything; anything else
      // (no server, no permission) leaves the check out rather than failing a validation.
      return /model_active|model_versions|no such table|does not exist/i.test((e as Error).message)
        ? [...new Set(models)].map((model) => ({ model, versions: 0 }))
        : undefined;
    }
  })();
  try {
    return await Promise.race([ask, timeout]);
  } finally {
    clearTimeout(timer);
    void db.close().catch(() => undefined);
  }
}
