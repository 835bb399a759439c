import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ModelStore, ModelVersion, RecommendationRow, ScoreRow } from './types.ts';

/**
 * The model store on the file system: <root>/<model>/v<N>/model.json and its reports,
 * <root>/<model>/active.json pointing at the active version, scores and recommendations as CSV.
 * Writes go to a temporary file renamed into place, so a crash never leaves half a version.
 */
export class FileModelStore implements ModelStore {
  constructor(readonly root: string) {}

  async save(
    version: Omit<ModelVersion, 'version' | 'reports'>,
    reports: (version: number) => ReadonlyMap<string, string>,
  ): Promise<ModelVersion> {
    const existing = await this.versions(version.model);
    const number = (existing.at(-1)?.version ?? 0) + 1;
    const paths: string[] = [];
    for (const [name, content] of reports(number)) {
      atomicWrite(join(this.versionDir(version.model, number), name), content);
      paths.push(`${version.model}/v${number}/${name}`);
    }
    const full: ModelVersion = { ...version, version: number, reports: paths };
    // model.json last: a version without it is not listed, so a crash mid-way leaves no half version.
    atomicWrite(join(this.versionDir(version.model, number), 'model.json'), JSON.stringify(full));
    return full;
  }

  async versions(model: string): Promise<ModelVersion[]> {
    const dir = join(this.root, model);
    if (!existsSync(dir)) return [];
    return readdirSync(dir)
      .filter((name) => /^v\d+$/.test(name) && existsSync(join(dir, name, 'model.json')))
      .map((name) => Number(name.slice(1)))
      .sort((a, b) => a - b)
      .map((n) => JSON.parse(readFileSync(join(dir, `v${n}`, 'model.json'), 'utf8')) as ModelVersion);
  }

  async get(model: string, version: number): Promise<ModelVersion | undefined> {
    const file = join(this.versionDir(model, version), 'model.json');
    return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as ModelVersion) : undefined;
  }

  async active(model: string): Promise<ModelVersion | undefined> {
    const file = join(this.root, model, 'active.json');
    if (!existsSync(file)) return undefined;
    const { version } = JSON.parse(readFileSync(file, 'utf8')) as { version: number };
    return this.get(model, version);
  }

  async activate(model: string, version: number): Promise<void> {
    if (!(await this.get(model, version))) throw new Error(`model ${model} has no version ${version}`);
    atomicWrite(join(this.root, model, 'active.json'), JSON.stringify({ version }));
  }

  async writeScores(model: string, version: number, rows: readonly ScoreRow[]): Promise<void> {
    const lines = ['customer_id,score,tier,cluster,version'];
    for (const r of rows) lines.push([csv(r.customerId), r.score ?? '', r.tier ?? '', r.cluster ?? '', version].join(','));
    atomicWrite(join(this.root, model, 'scores.csv'), `${lines.join('\n')}\n`);
  }

  async readScores(model: string): Promise<Array<ScoreRow & { version: number }>> {
    return readCsv(join(this.root, model, 'scores.csv')).map((c) => ({
      customerId: c[0]!,
      score: c[1] === '' ? null : Number(c[1]),
      tier: c[2] === '' ? null : c[2]!,
      cluster: c[3] === '' ? null : Number(c[3]),
      version: Number(c[4]),
    }));
  }

  async writeRecommendations(model: string, version: number, rows: readonly RecommendationRow[]): Promise<void> {
    const lines = ['customer_id,rank,item_id,score,version'];
    for (const r of rows) lines.push([csv(r.customerId), r.rank, csv(r.itemId), r.score, version].join(','));
    atomicWrite(join(this.root, model, 'recommendations.csv'), `${lines.join('\n')}\n`);
  }

  async readRecommendations(model: string): Promise<Array<RecommendationRow & { version: number }>> {
    return readCsv(join(this.root, model, 'recommendations.csv')).map((c) => ({
      customerId: c[0]!,
      rank: Number(c[1]),
      itemId: c[2]!,
      score: Number(c[3]),
      version: Number(c[4]),
    }));
  }

  async writeReports(model: string, version: number, files: ReadonlyMap<string, string>): Promise<string[]> {
    for (const [name, content] of files) atomicWrite(join(this.versionDir(model, version), name), content);
    return [...files.keys()].map((name) => `${model}/v${version}/${name}`);
  }

  private versionDir(model: string, version: number): string {
    return join(this.root, model, `v${version}`);
  }
}

function atomicWrite(file: string, content: string): void {
  mkdirSync(join(file, '..'), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, content);
  renameSync(tmp, file);
}

/** Ids are quoted only when they need it (a comma, quote or newline). */
function csv(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

function readCsv(file: string): string[][] {
  if (!existsSync(file)) return [];
  const text = readFileSync(file, 'utf8');
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += ch;
  }
  return rows.slice(1);
}
