import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Manifest } from '../../compiler/types/manifest.ts';
import type { ModelJobSpec } from '../../compiler/models/job-spec.ts';
import { HERALD_VERSION } from '../../compiler/version.ts';
import type { Database } from '../../runtime/db/database.ts';
import { materialize } from '../../runtime/segments/materialize.ts';
import { compileSide, sideErrors, type CompiledSide } from './compile-side.ts';
import { firstLine } from './data/audiences.ts';
import { measure, type Measurements } from './data/measure.ts';
import { openPlanData, type DataMode, type PlanData } from './data/open-data.ts';
import { latestEventAt } from './data/sample-database.ts';
import { diffDocuments } from './diff/documents.ts';
import { diffManifests } from './diff/definitions.ts';
import { unchangedFiles } from './diff/unchanged-files.ts';
import type { DefinitionChange, PlanDocument, PlanNote, TemplateImpact } from './document.ts';
import { PLAN_VERSION } from './document.ts';
import { renderTemplateEvidence, type EvidenceOptions, type TemplateEvidence } from './evidence/render-samples.ts';
import { renderInputCache } from '../../runtime/render/from-database.ts';
import { takeScreenshots, type ShotRequest } from './evidence/screenshots.ts';
import { exportTree } from './git/export-tree.ts';
import { locateBaseWorkspace } from './git/locate-workspace.ts';
import { openRepository, resolveCommit } from './git/repository.ts';
import { campaignImpacts, compiledTemplate, journeyImpacts, segmentImpacts, templateChanges, templateImpact } from './impacts.ts';
import type { PlannedModel } from './models.ts';
import type { PlanOptions } from './options.ts';
import { findRisks } from './risks.ts';
import { summarize } from './summary.ts';
import { audienceTargets } from './targets.ts';

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
  const repo = openRepository(request.headDir);
  const commit = resolveCommit(repo, request.baseRef);
  const head = compileSide(request.headDir);
  if (!head.manifest) return { kind: 'head-errors', head };
  const headManifest = head.manifest;
  const notes: PlanNote[] = [];
  const tmp = mkdtempSync(join(tmpdir(), 'herald-plan-'));
  let data: PlanData | undefined;
  try {
    const located = locateBaseWorkspace(repo, commit, headManifest.metadata.workspace);
    let base: CompiledSide | undefined;
    if (located) {
      const baseRoot = join(tmp, 'base');
      await exportTree(repo, commit, located.prefix, baseRoot);
      base = compileSide(baseRoot);
      if (located.moved) notes.push({ code: 'HL392', severity: 'info', message: `the workspace moved: ${display(located.prefix)} at the base, ${display(repo.prefix)} now; definitions are compared by kind and name` });
      if (!base.manifest) {
        const errors = base.diagnostics.filter((d) => d.severity === 'error').length;
        notes.push({ code: 'HL391', severity: 'warning', message: `the base (${request.baseRef}) does not compile (${errors} error${errors === 1 ? '' : 's'}): changes are found by comparing the documents, and audiences are counted for the head only` });
      }
    } else {
      notes.push({ code: 'HL393', severity: 'info', message: `the base (${request.baseRef}) has no Herald workspace: everything in the head is new` });
    }
    const baseManifest = base?.manifest;
    const changes = diffSides(base, head, headManifest);

    data = await openPlanData({ mode: request.dataMode, ...(request.dbFlag !== undefined ? { flag: request.dbFlag } : {}), env: request.env, head: headManifest, headRoot: request.headDir, tmpDir: tmp });
    notes.push(...data.notes);
    const asOf = await chooseAsOf(request, data, notes);
    if (data.source === 'sample' && data.db) await materializeSample(data.db, headManifest, asOf, notes);

    const { targets, shown } = audienceTargets(changes, baseManifest, headManifest);
    const toRender = templateChanges(changes).slice(0, request.options.maxRenderedTemplates);
    const evidence = new Map<string, TemplateEvidence>();
    const render = async (db?: Database) => {
      const cache = renderInputCache();
      for (const c of toRender) evidence.set(c.name, await renderTemplate(c, base, head, { asOf, limit: request.options.samplesPerTemplate, cache, ...(db ? { db } : {}) }));
    };
    let measured: Measurements | undefined;
    if (data.db) {
      measured = await measure(data.db, {
        ...(baseManifest ? { base: baseManifest } : {}),
        head: headManifest,
        targets,
        withOverlap: shown,
        asOf,
        models: plannedModels(changes, headManifest),
        headRoot: request.headDir,
        alsoInSession: render,
      });
      notes.push(...measured.notes);
    } else await render();
    const skippedTemplates = templateChanges(changes).length - toRender.length;
    if (skippedTemplates > 0) notes.push({ code: 'HL451', severity: 'info', message: `${skippedTemplates} more changed template${skippedTemplates === 1 ? ' was' : 's were'} not rendered (the plan renders at most ${request.options.maxRenderedTemplates})` });

    const templates = templateChanges(changes).map((c) => templateImpact(c, baseManifest, headManifest, evidence.get(c.name)));
    for (const t of templates) {
      for (const s of t.samples) if (s.errors?.head) notes.push({ code: 'HL555', severity: 'warning', message: `${t.name} cannot be rendered for ${s.customer}: ${s.errors.head}` });
    }
    await addScreenshots(templates, evidence, request, notes);
    const segments = segmentImpacts(changes, measured?.audiences);
    const campaigns = campaignImpacts(changes, baseManifest, headManifest, measured?.audiences);
    const journeys = journeyImpacts(changes, baseManifest, headManifest);
    const models = measured?.models.filter((m) => m.change !== 'unchanged' || m.candidate) ?? [];
    if (journeys.length > 0 || campaigns.length > 0) notes.push({ code: 'HL558', severity: 'info', message: 'no send forecast: journeys and campaigns are not simulated by this version of Herald' });
    const risks = findRisks({ segments, campaigns, templates, models, forecast: null }, request.options);
    const unchanged = base ? unchangedFiles(base.loaded, head.loaded, changes) : [];

    const document: PlanDocument = {
      version: PLAN_VERSION,
      herald_version: HERALD_VERSION,
      workspace: headManifest.metadata.workspace,
      base: {
        ref: request.baseRef,
        commit,
        path: located ? display(located.prefix) : null,
        compiled: base?.manifest !== undefined,
        errors: base ? base.diagnostics.filter((d) => d.severity === 'error').length : 0,
        diagnostics: base && !base.manifest ? sideErrors(base) : [],
      },
      head: { ref: 'working tree', path: display(repo.prefix), compiled: true, warnings: head.diagnostics.filter((d) => d.severity === 'warning').length },
      as_of: new Date(asOf).toISOString(),
      changes: changes.some((c) => c.change !== 'moved'),
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
      forecast: null,
      risks,
      notes,
    };
    if (located?.moved) document.moved = { from: display(located.prefix), to: display(repo.prefix) };
    return { kind: 'plan', document };
  } finally {
    await data?.db?.close().catch(() => undefined);
    rmSync(tmp, { recursive: true, force: true });
  }
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
  notes.push({ code: 'HL557', severity: 'info', message: `as of the sample data's latest event (${new Date(latest).toISOString()}); pass --as-of to choose another instant` });
  return latest;
}

/** The sample database gets the memberships a running workspace would have: the head's, as of the plan's instant. */
async function materializeSample(db: Database, head: Manifest, asOf: number, notes: PlanNote[]): Promise<void> {
  try {
    await materialize(db, head, asOf);
  } catch (e) {
    notes.push({ code: 'HL559', severity: 'warning', message: `the sample data's segments could not be materialized (${firstLine(e)}): overlaps are not shown` });
  }
}

/** Models in the change, and every other model of the head (a newer version may be waiting for it). */
function plannedModels(changes: readonly DefinitionChange[], head: Manifest): PlannedModel[] {
  const out: PlannedModel[] = [];
  const inChange = new Set<string>();
  for (const c of changes) {
    if (c.kind !== 'Model' || c.change === 'moved') continue;
    inChange.add(c.name);
    const job = head.definitions[`Model/${c.name}` as keyof Manifest['definitions']]?.compiled as ModelJobSpec | undefined;
    out.push({ name: c.name, change: c.change, ...(job ? { job } : {}) });
  }
  for (const d of Object.values(head.definitions)) {
    if (d.kind === 'Model' && !inChange.has(d.name) && d.compiled) out.push({ name: d.name, change: 'unchanged', job: d.compiled as ModelJobSpec });
  }
  return out;
}

async function renderTemplate(c: DefinitionChange, base: CompiledSide | undefined, head: CompiledSide, options: EvidenceOptions): Promise<TemplateEvidence> {
  const side = (s: CompiledSide | undefined, name: string | undefined) => {
    const compiled = compiledTemplate(s?.manifest, name);
    return compiled && s?.manifest ? { compiled, manifest: s.manifest, root: s.root } : undefined;
  };
  const b = side(base, c.change === 'added' ? undefined : (c.renamed_from ?? c.name));
  const h = side(head, c.change === 'removed' ? undefined : c.name);
  return renderTemplateEvidence({ ...(b ? { base: b } : {}), ...(h ? { head: h } : {}) }, options);
}

/** Desktop and mobile screenshots of each changed template's first sample, before and after, into --out. */
async function addScreenshots(templates: TemplateImpact[], evidence: ReadonlyMap<string, TemplateEvidence>, request: PlanRequest, notes: PlanNote[]): Promise<void> {
  const requests: Array<ShotRequest & { impact: TemplateImpact }> = [];
  for (const t of templates) {
    const rendered = evidence.get(t.name)?.rendered ?? [];
    for (const side of ['base', 'head'] as const) {
      const first = rendered.find((r) => r.side === side);
      if (first) requests.push({ template: t.name, customer: first.customer, side, html: first.email.html, impact: t });
    }
  }
  if (requests.length === 0) return;
  if (!request.outDir) {
    notes.push({ code: 'HL450', severity: 'info', message: 'no screenshots: pass --out DIR to write them (desktop and mobile, before and after)' });
    return;
  }
  const shots = await takeScreenshots(requests, request.outDir, request.chromium);
  if (shots.skipped) notes.push({ code: 'HL450', severity: 'warning', message: `no screenshots: ${shots.skipped}` });
  for (const r of requests) r.impact.screenshots.push(...(shots.screenshots.get(r) ?? []));
}

function display(prefix: string): string {
  return prefix === '' ? '.' : prefix;
}
