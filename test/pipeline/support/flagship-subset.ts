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
export function flagshipSubset(days: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'herald-main-job-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  for (const entry of ['herald.yaml', '.heraldignore', 'sources', 'traits', 'templates', 'models', 'journeys', 'broadcasts', join('data', 'samples')]) {
    cpSync(join(CAMPAIGNS, entry), join(dir, entry), { recursive: true });
  }
  // Segments on model scores need trained models, which a few days of data cannot give.
  mkdirSync(join(dir, 'segments'));
  for (const f of readdirSync(join(CAMPAIGNS, 'segments'))) {
    if (!/\b(score|tier)\(/.test(readFileSync(join(CAMPAIGNS, 'segments', f), 'utf8'))) cpSync(join(CAMPAIGNS, 'segments', f), join(dir, 'segments', f));
  }
  const retail = join(CAMPAIGNS, 'data', 'online-retail');
  mkdirSync(join(dir, 'data', 'online-retail'), { recursive: true });
  for (const f of readdirSync(retail).filter((f) => f.endsWith('.csv')).sort().slice(0, days)) cpSync(join(retail, f), join(dir, 'data', 'online-retail', f));
  mkdirSync(join(dir, 'data', 'enrichment', 'browsing'), { recursive: true });
  cpSync(join(CAMPAIGNS, 'data', 'enrichment', 'customers.csv'), join(dir, 'data', 'enrichment', 'customers.csv'));
  cpSync(join(CAMPAIGNS, 'data', 'enrichment', 'browsing', '2010-12.csv'), join(dir, 'data', 'enrichment', 'browsing', '2010-12.csv'));
  return dir;
}
