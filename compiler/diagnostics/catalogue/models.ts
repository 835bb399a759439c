import type { CodeEntry, MessageTable } from './types.ts';

/** Codes HL37x (model analysis), HL44x (model emit and model use) and HL570–HL589 (training and scoring at run time). */
export const modelsCodes: CodeEntry[] = [
  {
    code: 'HL370',
    title: 'algorithm does not fit the model type',
    severity: 'error',
    explanation:
      'Each model type has its own algorithms: propensity uses logistic or neural_network; regression uses linear or neural_network; recommendations use item_cosine, matrix_factorization, content, hybrid or popularity; clusters always use k-means and take no algorithm. Pick one listed for the type, or leave `algorithm` out for the default.',
  },
  {
    code: 'HL371',
    title: 'tiers do not add up to 1',
    severity: 'error',
    explanation:
      'Tiers split customers by score percentile, top first: {high: 0.2, medium: 0.3, low: 0.5} puts the top 20% in high, the next 30% in medium and the rest in low. The fractions must add up to 1 so every scored customer gets exactly one tier.',
  },
  {
    code: 'HL372',
    title: 'model needs a label',
    severity: 'error',
    explanation:
      'Propensity and regression models learn to predict their `label`, a rule evaluated in the window after the training cut-off, e.g. `exists(purchase within next 90d)`. Without one there is nothing to learn.',
  },
  {
    code: 'HL373',
    title: 'model needs features',
    severity: 'error',
    explanation:
      'Propensity, regression and clusters models take their inputs from `features`: a map from a feature name to a rule over a customer, e.g. `recency: days_since(last(purchase).at)`.',
  },
  {
    code: 'HL374',
    title: 'label looks at no future window',
    severity: 'warning',
    explanation:
      'A label is evaluated as of the cut-off, and only `within next <duration>` windows see events after it. A label without one is known at the cut-off itself, so the model would learn something it can already read from the features (or nothing at all). Use e.g. `exists(purchase within next 90d)`.',
  },
  {
    code: 'HL375',
    title: 'invalid cluster or evaluation settings',
    severity: 'error',
    explanation:
      'A clusters model takes either a fixed `k` or a `k_range: [low, high]` (low <= high) searched by silhouette or elbow, not both. Cluster `names`, when given, need one name per cluster of the largest k, and `order_by` must name one of the features. An evaluation `reference` lists features of the model itself (the reference model is fitted on just those), and `max_gap_to_reference` needs a `reference` to compare with.',
  },
  {
    code: 'HL376',
    title: 'content-based recommendations need item features',
    severity: 'error',
    explanation:
      'Content-based similarity (algorithm content, or a hybrid with a content weight) compares items by their attributes. List the item fields to compare in `item_features`, e.g. [category, price]; each must be a field of `items` in herald.yaml.',
  },
  {
    code: 'HL377',
    title: 'unknown interaction event',
    severity: 'error',
    explanation:
      "A recommendations model's `interactions` map event types to weights; each event type must be declared under `events` in herald.yaml and carry the item property (`item_property`, default item_id).",
  },
  {
    code: 'HL378',
    title: 'setting does not apply to this model',
    severity: 'warning',
    explanation:
      'The setting belongs to another model type or algorithm, so it has no effect. Bars are per type: min_auc, max_log_loss and max_brier for propensity; max_rmse, max_mae and min_r2 for regression; min_precision_at_k, min_recall_at_k and min_ndcg_at_k for recommendations; min_silhouette for clusters. Likewise `hybrid` weights need `algorithm: hybrid`, and `interactions`, `item_features` and `k` are for recommendations.',
  },
  {
    code: 'HL379',
    title: 'feature is not a number',
    severity: 'error',
    explanation:
      'Model inputs are numbers: a number, a boolean (0/1) or a timestamp (days since 1970). Text cannot be an input as it is; compare it instead, e.g. `country = "United Kingdom"` rather than `country`.',
  },
  {
    code: 'HL440',
    title: 'model has no evaluation bar',
    severity: 'info',
    explanation:
      'Without a bar (e.g. `evaluation: {min_auc: 0.7}`) every trained version is activated, however poor. The report still compares the model with its baseline.',
  },
  {
    code: 'HL441',
    title: 'score() or tier() of a model that has no such value',
    severity: 'warning',
    explanation:
      'score(m) reads the probability or prediction of a propensity or regression model; tier(m) reads its tier, or the cluster name of a clusters model. A recommendations model writes items (model_recommendations), not scores, and a clusters model writes no score, so the rule would see a missing value for every customer.',
  },
  {
    code: 'HL442',
    title: 'rules read a model that has no active version',
    severity: 'warning',
    explanation:
      "A segment, trait, journey or campaign calls score(m) or tier(m), but model m has never been trained, or none of its versions met its evaluation bar. Until it has an active version, `herald segments` (and everything else that evaluates those rules) stops with error HL572 rather than quietly matching nobody. `herald validate` and `herald compile` report it at the definition that reads the model whenever the workspace's database exists (they never create one), and `herald train` and `herald score` after their run. Run `herald train` and `herald score`; if the bar was not met, the report under .herald/models/ says why.",
  },
  {
    code: 'HL570',
    title: 'too few rows to train or evaluate',
    severity: 'error',
    explanation:
      'Training needs enough customers for both the training rows and the holdout: at least 20 training rows and 10 held-out rows (and both label classes in the holdout for a propensity model). Load more data, lower `evaluation.holdout`, or move `evaluation.cutoff`.',
  },
  {
    code: 'HL571',
    title: 'label is constant on the training data',
    severity: 'error',
    explanation:
      'Every training row has the same label value, so there is nothing to learn (e.g. nobody purchased in the window after the cut-off). Check the label rule and the cut-off against the data range.',
  },
  {
    code: 'HL572',
    title: 'model was never trained',
    severity: 'error',
    explanation:
      'Scoring (and score()/tier() in rules) needs an active version of the model: one trained by `herald train` that met its evaluation bar. Run `herald train --model <name>`; if it ran but the bar was not met, its report says why.',
  },
  {
    code: 'HL573',
    title: 'feature is always missing',
    severity: 'error',
    explanation:
      'The feature has no value for any training customer (its rule is null for all of them), so it carries no information and cannot be normalized. Fix the rule or remove the feature.',
  },
  {
    code: 'HL574',
    title: 'feature has missing, NaN or infinite values',
    severity: 'warning',
    explanation:
      'Some customers have no value (or NaN/Infinity, e.g. from a division by zero) for the feature. They are imputed with the training mean and flagged in an extra `<feature>_missing` input, so the model can still use the information that the value was missing.',
  },
  {
    code: 'HL575',
    title: 'feature is text, not a number',
    severity: 'error',
    explanation:
      'Model inputs are numbers (booleans count as 0/1, timestamps as days). Turn text into a number or a boolean, e.g. `country = "United Kingdom"` instead of `country`.',
  },
  {
    code: 'HL576',
    title: 'evaluation bar not met; version not activated',
    severity: 'error',
    explanation:
      'The new version was stored with its report but is not used for scoring: its holdout metrics do not meet the `evaluation` bar. The previously active version (if any) stays active. The report compares the model with the best simple baseline on the same split.',
  },
  {
    code: 'HL577',
    title: 'model changed since its active version was trained',
    severity: 'warning',
    explanation:
      "The model's spec (features, label, algorithm, settings) has a different hash from the one the active version was trained with; scores come from the older spec until `herald train` runs.",
  },
  {
    code: 'HL578',
    title: 'no data to train on',
    severity: 'error',
    explanation: 'No events were found, so there is no cut-off and no label. Run `herald ingest` first.',
  },
  {
    code: 'HL579',
    title: 'score distribution drifted since training',
    severity: 'warning',
    explanation:
      'The population stability index (PSI) between the training scores and the newest scores is above 0.25: the customers look different from those the model learned on. Retrain, and check the features for upstream data changes. Below 0.1 is stable; 0.1 to 0.25 is a moderate shift.',
  },
  {
    code: 'HL580',
    title: 'feature is constant',
    severity: 'warning',
    explanation: 'The feature has the same value for every training customer, so the model cannot learn from it.',
  },
  {
    code: 'HL581',
    title: 'label values are not usable',
    severity: 'error',
    explanation:
      'A propensity label must be true/false (or 0/1) and a regression label a finite number for every training customer. A missing label counts as false for propensity; for regression, rows without a label are an error.',
  },
  {
    code: 'HL582',
    title: 'no interactions to learn from',
    severity: 'error',
    explanation:
      'A recommendations model found no events of the `interactions` types with an item id before the cut-off. Check the event names, `item_property`, and that data was ingested.',
  },
  {
    code: 'HL583',
    title: 'customers or items without interactions',
    severity: 'info',
    explanation:
      'Customers with no interactions get the most popular items (cold start). Items nobody interacted with can only be recommended through content similarity (`item_features`).',
  },
];

/** Messages of the model codes raised by the compiler. */
export const modelMessages = {
  HL441: (p: { fn: 'score' | 'tier'; model: string; type: string }) =>
    `${p.fn}(${p.model}) reads a ${p.type} model, which writes no ${p.fn}`,
} satisfies MessageTable;

/** Messages of HL442, a rule that reads a model without an active version. */
export const modelUseMessages = {
  /** `readers`: who reads the model, worded by the runtime (`segment a and journey b read score(m) or tier(m)`). */
  HL442: (
    p: { readers: string; model: string } | { definition: string; fn: string; model: string; triedVersions: number; database: string },
  ) =>
    'readers' in p
      ? `${p.readers}, but model ${p.model} has no active version, so \`herald segments\` stops until it has one`
      : `${p.definition} reads ${p.fn}(${p.model}), but ${
          p.triedVersions
            ? `none of the ${p.triedVersions} trained versions of model ${p.model} met its evaluation bar`
            : `model ${p.model} has never been trained`
        } in ${p.database}`,
} satisfies MessageTable;

/** Messages of HL576, a trained version that does not meet its bar (printed by `herald train`). */
export const modelTrainMessages = {
  HL576: (p: { model: string; version: number; reasons: readonly string[] }) =>
    `${p.model} v${p.version} is not activated: ${p.reasons.join('; ')}`,
} satisfies MessageTable;

/** Messages of the models codes raised while analyzing definitions (compiler/3-analyze). */
export const modelsAnalyzeMessages = {
  HL370: (p: { algorithm: string; type: string }) => `algorithm ${p.algorithm} does not fit a ${p.type} model`,
  HL371: (p: { sum: number }) => `tiers add up to ${p.sum}, not 1`,
  HL372: (p: { type: string }) => `a ${p.type} model needs a label`,
  HL373: (p: { type: string }) => `a ${p.type} model needs features`,
  HL374: () => 'the label has no `within next` window, so it looks at no future',
  HL375: (
    p:
      | { form: 'give-either-range' }
      | { form: 'range-runs-backwards'; k_range: string }
      | { form: 'order-names-which'; order_by: string }
      | { form: 'cluster-names-for'; length: number; maxK: number }
      | { form: 'reference-feature-not'; name: string }
      | { form: 'max-gap-reference' },
  ) => {
    switch (p.form) {
      case 'give-either-range':
        return 'give either k or k_range, not both';
      case 'range-runs-backwards':
        return `k_range [${p.k_range}] runs backwards`;
      case 'order-names-which':
        return `order_by names "${p.order_by}", which is not a feature of this model`;
      case 'cluster-names-for':
        return `${p.length} cluster names for up to ${p.maxK} clusters`;
      case 'reference-feature-not':
        return `reference feature "${p.name}" is not a feature of this model`;
      case 'max-gap-reference':
        return 'max_gap_to_reference needs a reference model to compare with';
    }
  },
  HL376: (p: { form: 'content-based-recommendations' } | { form: 'not-item-field'; field: string }) => {
    switch (p.form) {
      case 'content-based-recommendations':
        return 'content-based recommendations need item_features';
      case 'not-item-field':
        return `"${p.field}" is not an item field of the data model`;
    }
  },
  HL377: (p: { form: 'not-event-the'; event: string } | { form: 'event-has-property'; event: string; itemProperty: string }) => {
    switch (p.form) {
      case 'not-event-the':
        return `"${p.event}" is not an event of the data model`;
      case 'event-has-property':
        return `event ${p.event} has no property ${p.itemProperty} to read the item from`;
    }
  },
  HL378: (
    p:
      | { form: 'clusters-always-use' }
      | { form: 'not-checked-for'; key: string; type: string }
      | { form: 'clusters-settings-are'; type: string }
      | { form: 'reference-model-only' }
      | { form: 'training-target-only' }
      | { form: 'evaluation-window-only'; type: string }
      | { form: 'only-used-recommendations'; key: string }
      | { form: 'hybrid-weights-are'; algorithm: string },
  ) => {
    switch (p.form) {
      case 'clusters-always-use':
        return 'clusters always use k-means; `algorithm` is ignored';
      case 'not-checked-for':
        return `${p.key} is not checked for a ${p.type} model`;
      case 'clusters-settings-are':
        return `clusters settings are ignored by a ${p.type} model`;
      case 'reference-model-only':
        return `a reference model is only fitted for propensity and regression models`;
      case 'training-target-only':
        return 'training.target is only used by regression models';
      case 'evaluation-window-only':
        return `evaluation.window is only used by recommendations models (the label's \`within next\` window sets it for ${p.type})`;
      case 'only-used-recommendations':
        return `${p.key} is only used by recommendations models`;
      case 'hybrid-weights-are':
        return `hybrid weights are ignored with algorithm ${p.algorithm}`;
    }
  },
  HL379: (p: { name: string; value: string }) => `feature ${p.name} is ${p.value}, not a number`,
  HL440: (p: { name: string }) => `model ${p.name} has no evaluation bar, so every trained version is activated`,
} satisfies MessageTable;
