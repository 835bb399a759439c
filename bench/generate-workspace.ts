/**
 * Generates a valid workspace of any size for benchmarks: a data model, then a deterministic mix
 * of traits, segments (rules, `include` lists and `in_segment` chains over earlier segments),
 * templates and campaigns, spread over files of 25 documents in one folder per kind. Reusable by
 * any benchmark that needs a realistic workspace (`generateWorkspace(dir, { definitions: 1000 })`).
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { seededRng } from '../runtime/models/rng.ts';

export interface GenerateOptions {
  /** How many definitions besides the Workspace. */
  definitions: number;
  /** Documents per file (default 25). */
  perFile?: number;
  /** Seed of the deterministic choices (default 1). */
  seed?: number;
}

export interface GeneratedWorkspace {
  dir: string;
  counts: Record<string, number>;
  files: number;
}

/**
 * Out of every 20 definitions: 13 segments, 3 traits, 3 campaigns, 1 template (MJML costs ~10 ms
 * a template, so a larger share would time MJML rather than the compiler). A campaign always
 * comes after at least one segment and one template.
 */
const PATTERN = [
  'Segment',
  'Segment',
  'Trait',
  'Template',
  'Segment',
  'Campaign',
  'Segment',
  'Segment',
  'Segment',
  'Trait',
  'Segment',
  'Segment',
  'Campaign',
  'Segment',
  'Segment',
  'Segment',
  'Segment',
  'Trait',
  'Segment',
  'Campaign',
] as const;

const WORKSPACE = `apiVersion: herald/v1
kind: Workspace
metadata:
  name: generated_shop
  description: A generated workspace for benchmarks
spec:
  timezone: Europe/London
  customers:
    fields:
      email: { type: email, pii: true }
      first_name: { type: string, pii: true }
      country: string
      signup_at: timestamp
      timezone: string
      email_consent: boolean
      lifetime_value: number
  events:
    purchase: { invoice: string, item_id: string, quantity: number, amount: number }
    added_to_cart: { item_id: string, price: number }
    page_view: { item_id: string }
  items:
    fields: { name: string, category: string, price: number }
`;

const COUNTRIES = ['United Kingdom', 'France', 'Germany', 'EIRE', 'Spain', 'Netherlands'];

export function generateWorkspace(dir: string, options: GenerateOptions): GeneratedWorkspace {
  const perFile = options.perFile ?? 25;
  const rand = seededRng(options.seed ?? 1).next;
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'herald.yaml'), WORKSPACE);

  const names: Record<string, string[]> = { Segment: [], Trait: [], Template: [], Campaign: [] };
  const docs: Record<string, string[]> = { Segment: [], Trait: [], Template: [], Campaign: [] };
  for (let i = 0; i < options.definitions; i++) {
    const kind = PATTERN[i % PATTERN.length]!;
    const name = `${kind.toLowerCase()}_${String(i).padStart(6, '0')}`;
    let spec: string;
    if (kind === 'Trait') {
      const days = pick([30, 90, 180, 365]);
      spec = `  type: number\n  expression: sum(purchase.amount within ${days}d)\n`;
    } else if (kind === 'Segment') {
      const country = pick(COUNTRIES);
      const count = 1 + Math.floor(rand() * 5);
      let where = `country = "${country}" and count(purchase within ${pick([30, 90, 365])}d) >= ${count} and email_consent`;
      if (names.Segment!.length > 0 && rand() < 0.3) where += ` and not in_segment(${pick(names.Segment!)})`;
      spec = `  live: true\n  where: ${where}\n`;
      if (names.Segment!.length > 2 && rand() < 0.2) spec += `  include: [${pick(names.Segment!)}]\n`;
    } else if (kind === 'Template') {
      spec =
        `  subject: "{{ customer.first_name | default('Hi') }}, news for you (${i})"\n` +
        `  mjml: |\n` +
        `    <mjml><mj-body><mj-section><mj-column>\n` +
        `      <mj-text>Hello {{ customer.first_name | default('there') }}, offer ${i}.</mj-text>\n` +
        `      <mj-text><a href="{{ unsubscribe_url }}">Unsubscribe</a></mj-text>\n` +
        `    </mj-column></mj-section></mj-body></mjml>\n`;
    } else {
      spec = `  audience: ${pick(names.Segment!)}\n  template: ${pick(names.Template!)}\n  send_at: 2011-12-01T09:00 local\n`;
    }
    names[kind]!.push(name);
    docs[kind]!.push(document(kind, name, spec));
  }

  let files = 1;
  const counts: Record<string, number> = {};
  for (const [kind, list] of Object.entries(docs)) {
    counts[kind] = list.length;
    if (list.length === 0) continue;
    const folder = join(dir, `${kind.toLowerCase()}s`);
    mkdirSync(folder, { recursive: true });
    for (let start = 0; start < list.length; start += perFile) {
      writeFileSync(
        join(folder, `part_${String(start / perFile).padStart(4, '0')}.yaml`),
        list.slice(start, start + perFile).join('---\n'),
      );
      files++;
    }
  }
  return { dir, counts, files };
}

function document(kind: string, name: string, spec: string): string {
  return `apiVersion: herald/v1\nkind: ${kind}\nmetadata:\n  name: ${name}\n  owner: lifecycle-team\nspec:\n${spec}`;
}
