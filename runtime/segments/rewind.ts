import type { Database } from '../db/database.ts';

/**
 * Rewinds the segment timeline to `asOf`: memberships that began later are removed, those that
 * ended later are open again, and later runs are forgotten, so segments can be materialized as
 * of `asOf` as if the later runs had not happened. Only ever on a throwaway copy or in a session
 * that is rolled back (a simulation, the main job under `--as-of`): the real timeline never goes back.
 */
export async function rewindSegments(db: Database, asOf: number): Promise<void> {
  const k = db.kysely;
  await k.deleteFrom('segment_memberships').where('entered_at', '>', asOf).execute();
  await k.updateTable('segment_memberships').set({ exited_at: null }).where('exited_at', '>', asOf).execute();
  await k.deleteFrom('segment_runs').where('as_of', '>', asOf).execute();
}
