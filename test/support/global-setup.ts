import type { TestProject } from 'vitest/node';
import { startPostgresCluster, type PostgresCluster } from './postgres-cluster.ts';
import { ensureBuilt } from './built-cli.ts';
import { fixedPropertySeed } from './fast-check-seed.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The shared PostgreSQL server of this test run, or why it could not start. */
    heraldPostgres: { url: string } | { error: string };
  }
}

/**
 * vitest globalSetup: starts ONE PostgreSQL for the whole run and hands its URL to every test file
 * (`inject('heraldPostgres')`). A server that cannot start does not abort the run: its reason is
 * provided instead, and every test that needs PostgreSQL fails with it (never silently skipped).
 * HERALD_TEST_POSTGRES_URL uses an existing server instead (e.g. a CI service container); the
 * role must be allowed to CREATE DATABASE.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // Tests that spawn the shipped `herald` (bin/herald.js runs dist/) need dist/ to match the
  // sources: built once here, before any test file starts, so no two files build it at once.
  ensureBuilt();
  const seed = fixedPropertySeed();
  console.log(
    seed === undefined
      ? 'property tests: a fresh seed per property (HERALD_FC_SEED=N fixes one)'
      : `property tests: one fixed seed, ${seed} (under CI or HERALD_FC_SEED)`,
  );
  const external = process.env.HERALD_TEST_POSTGRES_URL;
  if (external) {
    project.provide('heraldPostgres', { url: external });
    return async () => undefined;
  }
  let cluster: PostgresCluster | undefined;
  try {
    cluster = await startPostgresCluster();
    project.provide('heraldPostgres', { url: cluster.url });
  } catch (e) {
    project.provide('heraldPostgres', { error: (e as Error).message });
  }
  return async () => {
    await cluster?.stop();
  };
}
