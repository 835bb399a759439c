import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { expect } from 'vitest';
import { runCli, type CliRun } from '../../pipeline/run-cli.ts';
import type { PlanDocument } from '../../../cli/plan/document.ts';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
const schemaPath = join(import.meta.dirname, '..', '..', '..', 'schemas', 'plan.schema.json');
const validatePlan = addFormats(new Ajv({ strict: true, allErrors: true })).compile(JSON.parse(readFileSync(schemaPath, 'utf8')));

/** The environment plan tests run with: no database from the outside, no browser unless asked. */
export const QUIET_ENV: NodeJS.ProcessEnv = { PATH: process.env.PATH, HERALD_CHROMIUM: '/nonexistent/chromium' };

/** `herald plan … --format json`, checked against schemas/plan.schema.json. */
export async function planJson(
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv = QUIET_ENV,
): Promise<{ run: CliRun; doc: PlanDocument }> {
  const run = await runCli(['plan', ...args, '--format', 'json'], cwd, env);
  if (run.code !== 0 && run.code !== 3) throw new Error(`plan exited ${run.code}: ${run.stderr}`);
  const doc = JSON.parse(run.stdout) as PlanDocument;
  expectValidPlan(doc);
  return { run, doc };
}

export function expectValidPlan(doc: unknown): void {
  const ok = validatePlan(doc);
  expect(validatePlan.errors ?? [], 'the plan document matches schemas/plan.schema.json').toEqual([]);
  expect(ok).toBe(true);
}

export function definition(doc: PlanDocument, key: string) {
  return doc.definitions.find((d) => d.key === key);
}
