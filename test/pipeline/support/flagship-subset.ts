import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

export const CAMPAIGNS = join(import.meta.dirname, '..', '..', '..', 'campaigns');

/**
 * The flagship workspace (definitions, templates, preview data) over the first `days` daily files
 * of the Online Retail data and the enrichment of its first month, in a throwaway folder: the
 * main job runs on it in seconds, journeys and the newsletter included. Segments on model scores
 * are left out (see below).
 */
export interface SubsetOptions {
  /** Take the last `days` daily files (the end of the data) instead of the first. */
  fromEnd?: boolean;
  /** Also these daily files (e.g. the days a documented customer id appears on). */
  extraFiles?: readonly string[];
  /** The months of generated browsing to copy (default: the first, 2010-12). */
  browsing?: readonly string[];
}

export function flagshipSubset(days: number, options: SubsetOptions = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'herald-main-job-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  for (const entry of [
    'herald.yaml',
    '.heraldignore',
    'sources',
    'traits',
    'templates',
    'models',
    'journeys',
    'broadcasts',
    join('data', 'samples'),
  ]) {
    cpSync(join(CAMPAIGNS, entry), join(dir, entry), { recursive: true });
  }
  // Segments on model scores need trained models, which a few days of data cannot give.
  mkdirSync(join(dir, 'segments'));
  for (const f of readdirSync(join(CAMPAIGNS, 'segments'))) {
    if (!/\b(score|tier)\(/.test(readFileSync(join(CAMPAIGNS, 'segments', f), 'utf8')))
      cpSync(join(CAMPAIGNS, 'segments', f), join(dir, 'segments', f));
  }
  const retail = join(CAMPAIGNS, 'data', 'online-retail');
  mkdirSync(join(dir, 'data', 'online-retail'), { recursive: true });
  const daily = readdirSync(retail)
    .filter((f) => f.endsWith('.csv'))
    .sort();
  const chosen = new Set([...(options.fromEnd ? daily.slice(-days) : daily.slice(0, days)), ...(options.extraFiles ?? [])]);
  for (const f of chosen) cpSync(join(retail, f), join(dir, 'data', 'online-retail', f));
  mkdirSync(join(dir, 'data', 'enrichment', 'browsing'), { recursive: true });
  cpSync(join(CAMPAIGNS, 'data', 'enrichment', 'customers.csv'), join(dir, 'data', 'enrichment', 'customers.csv'));
  for (const month of options.browsing ?? ['2010-12']) {
    cpSync(join(CAMPAIGNS, 'data', 'enrichment', 'browsing', `${month}.csv`), join(dir, 'data', 'enrichment', 'browsing', `${month}.csv`));
  }
  return dir;
}
