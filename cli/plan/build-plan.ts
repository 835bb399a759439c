import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Manifest } from '../../compiler/contract/manifest.ts';
import { HERALD_VERSION } from '../../compiler/contract/version.ts';
import type { Database } from '../../runtime/db/database.ts';
import { renderInputCache } from '../../runtime/render/from-database.ts';
import { materialize } from '../../runtime/segments/materialize.ts';
import { compileSide, sideErrors, type CompiledSide } from './compile-side.ts';
import { firstLine } from './errors.ts';
import { forecastSends, type ForecastResult } from './data/forecast.ts';
import { measure, type Measurements } from './data/measure.ts';
import { openPlanData, type DataMode, type PlanData } from './data/open-data.ts';
import { latestEventAt } from './data/sample-database.ts';
import { diffDocuments } from './diff/documents.ts';
import { diffManifests } from './diff/definitions.ts';
import { unchangedFiles } from './diff/unchanged-files.ts';
import { PLAN_VERSION, type DefinitionChange, type PlanDocument, type PlanNote } from './document.ts';
import type { TemplateEvidence } from './evidence/render-samples.ts';
import { addScreenshots, renderChangedTemplates, renderFailures } from './evidence/templates.ts';
import { openRepository, resolveCommit } from './git/repository.ts';
import { campaignImpacts, journeyImpacts, segmentImpacts, templateChanges, templateImpact } from './impacts.ts';
import { plannedModels } from './models.ts';
import type { PlanOptions } from './options.ts';
import { displayPath, readBase, type BaseRead } from './read-base.ts';
import { findRisks } from './risks.ts';
import { summarize } from './summary.ts';
import { audienceTargets } from './targets.ts';
import { planExperiments } from './experiments.ts';
import { messageOf } from '../../compiler/diagnostics/catalogue/index.ts';

export interface PlanRequest {
  /** The head workspace folder (absolute): the working tree. */
  headDir: string;
  baseRef: string;
  /** `--as-of`; when absent: now on a database, the latest event on sample data. */
  asOf?: number;
  dbFlag?: string;
  dataMode: DataMode;
  env: NodeJS.ProcessEnv;
  options: PlanOptions;
  /** `--out`: where screenshots go; without it none are taken. */
  outDir?: string;
  chromium: string;
  now?: () => number;
  /** Told what the plan is doing, step by step (the command shows it on a terminal). */
  onProgress?: (step: string) => void;
}

export type PlanOutcome = { kind: 'plan'; document: PlanDocument } | { kind: 'head-errors'; head: CompiledSide };

/**
 * Makes the plan: reads the base commit's workspace from git into a throwaway folder, compiles
 * both sides, diffs them, counts audiences on the data (in a session that is rolled back),
 * renders the changed templates before and after, and assembles the plan document. A head that
 * does not compile is returned as such (the command prints its diagnostics); a base that does not
 * compile still gives a plan of the head.
 */
export async function buildPlan(request: PlanRequest): Promise<PlanOutcome> {
  const progress = request.onProgress ?? (() => undefined);
  const repo = openRepository(request.headDir);
  const commit = resolveCommit(repo, request.baseRef);
  progress('compiling the working tree');
  const head = compileSide(request.headDir);
  if (!head.manifest) return { kind: 'head-errors', head };
  const headManifest = head.manifest;
  const tmp = mkdtempSync(join(tmpdir(), 'herald-plan-'));
  let data: PlanData | undefined;
  try {
    progress(`reading and compiling ${request.baseRef}`);
    const base = await readBase(repo, commit, request.baseRef, headManifest.metadata.workspace, tmp);
    const notes: PlanNote[] = [...base.notes];
    const baseManifest = base.side?.manifest;
    const changes = diffSides(base.side, head, headManifest);

    const anyChange = changes.some((c) => c.change !== 'moved');
    if (anyChange) progress('opening the data');
    // Nothing to count when nothing changes: no database is opened, no sample data loaded.
    data = anyChange
      ? await openPlanData({
          mode: request.dataMode,
          ...(request.dbFlag !== undefined ? { flag: request.dbFlag } : {}),
          env: request.env,
          head: headManifest,
          headRoot: request.headDir,
          tmpDir: tmp,
        })
      : { source: 'none', description: 'not needed: nothing changes', notes: [] };
    notes.push(...data.notes);
    const asOf = await chooseAsOf(request, data, notes);
    if (data.source === 'sample' && data.db) await materializeSample(data.db, headManifest, asOf, notes);

    const { targets, shown } = audienceTargets(changes, baseManifest, headManifest);
    const changedTemplates = templateChanges(changes);
    const toRender = changedTemplates.slice(0, request.options.maxRenderedTemplates);
    let evidence = new Map<string, TemplateEvidence>();
    const render = async (db?: Database) => {
      evidence = await renderChangedTemplates(toRender, base.side, head, {
        asOf,
        limit: request.options.samplesPerTemplate,
        cache: renderInputCache(),
        ...(db ? { db } : {}),
      });
    };
    progress('counting audiences, rendering templates, simulating sends');
    let measured: Measurements | undefined;
    let forecast: ForecastResult = { forecast: null, notes: [] };
    if (data.db) {
      measured = await measure(data.db, {
        ...(baseManifest ? { base: baseManifest } : {}),
        head: headManifest,
        targets,
        withOverlap: shown,
        asOf,
        models: plannedModels(changes, headManifest),
        headRoot: request.headDir,
        alsoInSession: async (session) => {
          await render(session);
          forecast = await forecastSends(session, headManifest, changes, asOf, request.options.forecastDays);
        },
      });
      notes.push(...measured.notes);
    } else await render();
    const skipped = changedTemplates.length - toRender.length;
    if (skipped > 0)
      notes.push({
        code: 'HL451',
        severity: 'info',
        message: messageOf('HL451', { skipped, limit: request.options.maxRenderedTemplates }),
      });

    const templates = changedTemplates.map((c) => templateImpact(c, baseManifest, headManifest, evidence.get(c.name)));
    notes.push(...renderFailures(templates));
    if (request.outDir && evidence.size > 0) progress('taking screenshots');
    await addScreenshots(templates, evidence, request.outDir, request.chromium, notes);
    const segments = segmentImpacts(changes, measured?.audiences);
    const campaigns = campaignImpacts(changes, baseManifest, headManifest, measured?.audiences);
    const journeys = journeyImpacts(changes, baseManifest, headManifest);
    const models = measured?.models ?? [];
    notes.push(...forecast.notes);
    if (!data.db && (journeys.length > 0 || campaigns.length > 0))
      notes.push({ code: 'HL558', severity: 'info', message: messageOf('HL558', { noData: true }) });
    const planned = await planExperiments({
      head: headManifest,
      headDir: request.headDir,
      changes,
      campaigns,
      forecast: forecast.forecast,
      ...(data.db ? { db: data.db } : {}),
      asOf,
    });
    notes.push(...planned.notes);
    const risks = findRisks({ segments, campaigns, templates, models, forecast: forecast.forecast }, request.options);
    const unchanged = base.side ? unchangedFiles(base.side.loaded, head.loaded, changes) : [];

    const document: PlanDocument = {
      version: PLAN_VERSION,
      herald_version: HERALD_VERSION,
      workspace: headManifest.metadata.workspace,
      base: baseSummary(request.baseRef, commit, base),
      head: {
        ref: 'working tree',
        path: displayPath(repo.prefix),
        compiled: true,
        warnings: head.diagnostics.filter((d) => d.severity === 'warning').length,
      },
      as_of: new Date(asOf).toISOString(),
      changes: anyChange,
      summary: summarize(changes, segments, unchanged),
      definitions: changes,
      unchanged_files: unchanged,
      data: {
        source: data.source,
        description: data.description,
        ...(data.reason ? { reason: data.reason } : {}),
        customers: measured?.customers ?? null,
        memberships_as_of: measured?.membershipsAsOf !== undefined ? new Date(measured.membershipsAsOf).toISOString() : null,
      },
      segments,
      campaigns,
      journeys,
      templates,
      models,
      forecast: forecast.forecast,
      ...(planned.experiments.length > 0 ? { experiments: planned.experiments } : {}),
      risks,
      notes,
    };
    if (base.located?.moved) document.moved = { from: displayPath(base.located.prefix), to: displayPath(repo.prefix) };
    return { kind: 'plan', document };
  } finally {
    await data?.db?.close().catch(() => undefined);
    rmSync(tmp, { recursive: true, force: true });
  }
}

function baseSummary(ref: string, commit: string, base: BaseRead): PlanDocument['base'] {
  const side = base.side;
  return {
    ref,
    commit,
    path: base.located ? displayPath(base.located.prefix) : null,
    compiled: side?.manifest !== undefined,
    errors: side ? side.diagnostics.filter((d) => d.severity === 'error').length : 0,
    diagnostics: side && !side.manifest ? sideErrors(side) : [],
  };
}

/** The diff by manifest when the base compiles, by documents when it does not, else everything added. */
function diffSides(base: CompiledSide | undefined, head: CompiledSide, headManifest: Manifest): DefinitionChange[] {
  if (base?.manifest) return diffManifests(base.manifest, headManifest, { fileChanged: (path) => fileDiffers(base.root, head.root, path) });
  if (base) return diffDocuments(base.loaded, head.loaded, headManifest);
  return Object.values(headManifest.definitions)
    .map((d): DefinitionChange => ({ key: `${d.kind}/${d.name}`, kind: d.kind, name: d.name, change: 'added', file: d.file, details: [] }))
    .sort((a, b) => (a.key < b.key ? -1 : 1));
}

function fileDiffers(baseRoot: string, headRoot: string, path: string): boolean {
  const a = join(baseRoot, path);
  const b = join(headRoot, path);
  if (!existsSync(a) || !existsSync(b)) return true;
  return !readFileSync(a).equals(readFileSync(b));
}

async function chooseAsOf(request: PlanRequest, data: PlanData, notes: PlanNote[]): Promise<number> {
  if (request.asOf !== undefined) return request.asOf;
  const now = (request.now ?? Date.now)();
  if (data.source !== 'sample' || !data.db) return now;
  const latest = await latestEventAt(data.db);
  if (latest === undefined) return now;
  notes.push({ code: 'HL557', severity: 'info', message: messageOf('HL557', { latestEvent: latest }) });
  return latest;
}

/** The sample database gets the memberships a running workspace would have: the head's, as of the plan's instant. */
async function materializeSample(db: Database, head: Manifest, asOf: number, notes: PlanNote[]): Promise<void> {
  try {
    await materialize(db, head, asOf);
  } catch (e) {
    notes.push({ code: 'HL559', severity: 'warning', message: messageOf('HL559', { segmentsFailed: firstLine(e) }) });
  }
}
