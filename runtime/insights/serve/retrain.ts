import { join } from 'node:path';
import type { ModelJobSpec } from '../../../compiler/contract/model-job.ts';
import { SqlFeatureSource } from '../../models/features/sql.ts';
import { ModelError } from '../../models/problems.ts';
import { DatabaseModelStore } from '../../models/store/db-store.ts';
import type { PeriodicTask, ServeContext } from '../../serve/extension.ts';

/**
 * Scheduled retraining (`retrain: { every: 7d, when_drift_psi_above: 0.2 }` on a Model): while
 * `herald serve` runs, each such model is checked regularly. A check scores the customers with the
 * active version (so scores stay fresh) and measures the drift of those scores from training
 * (PSI); when the last training is `every` old, or the drift is above the threshold, a new version
 * is trained on the data up to now through the same training and evaluation as `herald train`,
 * and it is activated only when it meets its bar (a version below it is stored with its report,
 * and the active one keeps serving). Drift, the last training time and the active version are
 * gauges in /metrics; retrains are counted by reason and outcome.
 */
export const MODEL_REPORTS_DIR = join('.herald', 'models');
/** The longest time between two checks of a schedule; shorter schedules are checked as often as they say. */
const MAX_CHECK_MS = 3_600_000;
const MIN_CHECK_MS = 1_000;

export interface RetrainCheck {
  model: string;
  psi?: number;
  retrained?: {
    reason: 'schedule' | 'drift' | 'first';
    outcome: 'activated' | 'rejected' | 'unchanged' | 'failed';
    version?: number;
    message?: string;
  };
}

export function retrainTasks(ctx: ServeContext, onCheck?: (check: RetrainCheck) => void): PeriodicTask[] {
  const jobs = Object.values(ctx.manifest.definitions)
    .filter((d) => d.kind === 'Model' && (d.compiled as ModelJobSpec | undefined)?.schedule !== undefined)
    .map((d) => d.compiled as ModelJobSpec);
  if (jobs.length === 0) return [];
  const store = new DatabaseModelStore(ctx.db, join(ctx.dir, MODEL_REPORTS_DIR));
  const drift = ctx.metrics.gauge('herald_model_drift_psi', 'PSI of the latest scores against the training scores, by model', ['model']);
  const lastTraining = ctx.metrics.gauge(
    'herald_model_last_training_timestamp_seconds',
    'When the latest version of the model was trained (Unix seconds)',
    ['model'],
  );
  const activeVersion = ctx.metrics.gauge('herald_model_active_version', 'The version of the model in use', ['model']);
  const retrains = ctx.metrics.counter('herald_model_retrains_total', 'Scheduled retrainings, by model, reason and outcome', [
    'model',
    'reason',
    'outcome',
  ]);

  return jobs.map((job) => {
    const schedule = job.schedule!;
    let running = false;
    const check = async (now: Date): Promise<RetrainCheck> => {
      // Scoring and training load TensorFlow.js (tens of megabytes): only when a check runs, so a
      // server whose models are not due yet does not carry it.
      const [{ scoreModel }, { trainModel }] = await Promise.all([
        import('../../models/score-model.ts'),
        import('../../models/train-model.ts'),
      ]);
      const result: RetrainCheck = { model: job.name };
      const source = new SqlFeatureSource(ctx.db, ctx.manifest, job);
      const versions = await store.versions(job.name);
      const latest = versions.reduce<number | undefined>((m, v) => Math.max(m ?? -Infinity, Date.parse(v.createdAt)), undefined);
      if (latest !== undefined) lastTraining.set(latest / 1000, { model: job.name });
      const active = await store.active(job.name);
      if (active) {
        activeVersion.set(active.version, { model: job.name });
        const scored = await scoreModel(job, source, store, now);
        if (scored.psi !== undefined) {
          result.psi = scored.psi;
          drift.set(scored.psi, { model: job.name });
        }
      }
      const reason =
        latest === undefined
          ? 'first'
          : now.getTime() - latest >= schedule.everyMs
            ? 'schedule'
            : schedule.driftPsiAbove !== undefined && (result.psi ?? 0) > schedule.driftPsiAbove
              ? 'drift'
              : undefined;
      if (!reason) return result;
      try {
        const outcome = await trainModel(job, source, store, { asOf: now, force: reason === 'drift', now: () => now });
        result.retrained = { reason, outcome: outcome.status, version: outcome.version.version };
        if (outcome.status !== 'unchanged') lastTraining.set(Date.parse(outcome.version.createdAt) / 1000, { model: job.name });
        if (outcome.status === 'activated') {
          activeVersion.set(outcome.version.version, { model: job.name });
          const rescored = await scoreModel(job, source, store, now);
          if (rescored.psi !== undefined) drift.set(rescored.psi, { model: job.name });
        }
        const log = outcome.status === 'rejected' ? ctx.log.warn : ctx.log.info;
        log.call(ctx.log, `model ${job.name} retrained (${reason}): ${outcome.status}`, {
          model: job.name,
          version: outcome.version.version,
          reason,
          ...(result.psi !== undefined ? { psi: result.psi } : {}),
        });
      } catch (e) {
        if (!(e instanceof ModelError)) throw e;
        result.retrained = { reason, outcome: 'failed', message: e.problem.message };
        ctx.log.error(`model ${job.name} could not be retrained: ${e.problem.message}`, { model: job.name, code: e.problem.code });
      }
      retrains.inc({ model: job.name, reason, outcome: result.retrained.outcome });
      return result;
    };
    return {
      name: `retrain ${job.name}`,
      everyMs: Math.max(MIN_CHECK_MS, Math.min(MAX_CHECK_MS, schedule.everyMs)),
      async run(now: Date) {
        // A long training must not be started again by the next tick.
        if (running) return;
        running = true;
        try {
          // Not `onCheck?.(await check(now))`: an optional call skips its arguments when there is no callback.
          const result = await check(now);
          onCheck?.(result);
        } finally {
          running = false;
        }
      },
    };
  });
}
