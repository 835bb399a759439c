/**
 * Journey versions. A journey's version is the hash of its compiled block: the same definition
 * (however it is formatted) is the same version, any change that alters what it does is a new
 * one. Every version a run sees is stored with its compiled state machine, and an entry always
 * runs on the version it entered with: customers inside a journey finish it as it was when they
 * entered, and only new entries take the new version.
 */
import type { CompiledCampaign, CompiledJourney } from '../../compiler/contract/journey.ts';
import type { Manifest, ManifestDefinition } from '../../compiler/contract/manifest.ts';
import type { Executor } from '../db/database.ts';
import { ManifestError } from '../../compiler/contract/read-manifest.ts';

export interface RuntimeJourney {
  name: string;
  version: string;
  compiled: CompiledJourney;
}

export interface RuntimeCampaign {
  name: string;
  version: string;
  compiled: CompiledCampaign;
}

/** The version id of a compiled definition: 12 hex digits of its compiled hash. */
export function versionOf(definition: ManifestDefinition): string {
  const hash = definition.compiledHash;
  if (!hash)
    throw new ManifestError(
      `${definition.kind.toLowerCase()} "${definition.name}" has no compiled block in the manifest; compile it again with this version of Herald`,
    );
  return hash.slice('sha256:'.length, 'sha256:'.length + 12);
}

export function journeysOf(manifest: Manifest): RuntimeJourney[] {
  return compiledOf<CompiledJourney>(manifest, 'Journey');
}

export function campaignsOf(manifest: Manifest): RuntimeCampaign[] {
  return compiledOf<CompiledCampaign>(manifest, 'Campaign');
}

function compiledOf<C>(manifest: Manifest, kind: 'Journey' | 'Campaign'): Array<{ name: string; version: string; compiled: C }> {
  return Object.values(manifest.definitions)
    .filter((d) => d.kind === kind)
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .map((d) => {
      if (d.compiled === undefined)
        throw new ManifestError(
          `${kind.toLowerCase()} "${d.name}" has no compiled block in the manifest; compile it again with this version of Herald`,
        );
      return { name: d.name, version: versionOf(d), compiled: d.compiled as C };
    });
}

/** Stores the manifest's journey versions (a version already stored is left as it is). */
export async function registerVersions(db: Executor, journeys: readonly RuntimeJourney[], at: number): Promise<void> {
  for (const j of journeys) {
    await db
      .insertInto('journey_versions')
      .values({ journey: j.name, version: j.version, compiled: JSON.stringify(j.compiled), registered_at: at })
      .onConflict((oc) => oc.columns(['journey', 'version']).doNothing())
      .execute();
  }
}

/** Compiled versions by `journey@version`, read from the database once each. */
export class VersionStore {
  private readonly cache = new Map<string, CompiledJourney>();

  constructor(current: readonly RuntimeJourney[]) {
    for (const j of current) this.cache.set(`${j.name}@${j.version}`, j.compiled);
  }

  /** The versions active entries run on (journeys that were changed or removed included). */
  async active(db: Executor): Promise<CompiledJourney[]> {
    const rows = await db.selectFrom('journey_entries').select(['journey', 'version']).distinct().where('status', '=', 'active').execute();
    const out: CompiledJourney[] = [];
    for (const r of rows) {
      const compiled = await this.get(db, String(r.journey), String(r.version));
      if (compiled) out.push(compiled);
    }
    return out;
  }

  async get(db: Executor, journey: string, version: string): Promise<CompiledJourney | undefined> {
    const key = `${journey}@${version}`;
    let compiled = this.cache.get(key);
    if (!compiled) {
      const row = await db
        .selectFrom('journey_versions')
        .select('compiled')
        .where('journey', '=', journey)
        .where('version', '=', version)
        .executeTakeFirst();
      if (!row) return undefined;
      compiled = JSON.parse(String(row.compiled)) as CompiledJourney;
      this.cache.set(key, compiled);
    }
    return compiled;
  }
}
