/**
 * The plan document: what `herald plan --format json` prints and `--out` writes as plan.json. Its
 * JSON Schema is schemas/plan.schema.json; bump PLAN_VERSION on any breaking change to its shape.
 * The markdown and pretty formats are views of this one document, so they never disagree with it.
 *
 * Personal data never appears here: customers are counted, or shown as masked ids (see mask.ts);
 * rendered evidence uses the workspace's sample data, or database customers with personal fields
 * replaced by placeholders.
 */
import type { Kind } from '../../compiler/contract/manifest.ts';
import type { PlannedExperiment } from './experiments.ts';

export const PLAN_VERSION = 1;

/** How a definition differs between base and head. `affected`: unchanged itself, but it uses something that changed. */
export type ChangeKind = 'added' | 'changed' | 'removed' | 'renamed' | 'moved' | 'affected';

export interface PlanDocument {
  version: typeof PLAN_VERSION;
  herald_version: string;
  /** The head's Workspace name. */
  workspace: string;
  base: BaseSide;
  head: HeadSide;
  /** The workspace folder moved between base and head (repository-relative paths). */
  moved?: { from: string; to: string };
  /** The instant audiences and renders are evaluated as of (ISO 8601). */
  as_of: string;
  /** Whether the change alters what Herald would do (false for reformatting, comments or moved definitions only). */
  changes: boolean;
  summary: PlanSummary;
  definitions: DefinitionChange[];
  /** Workspace files edited in a way that changes nothing (formatting, comments, key order). */
  unchanged_files: string[];
  data: DataSummary;
  segments: SegmentImpact[];
  campaigns: CampaignImpact[];
  journeys: JourneyImpact[];
  templates: TemplateImpact[];
  models: ModelImpact[];
  forecast: Forecast | null;
  /** Splits the change adds or alters: the smallest effect each can detect (cli/plan/experiments.ts). */
  experiments?: PlannedExperiment[];
  risks: Risk[];
  notes: PlanNote[];
}

export interface SideDiagnostic {
  code: string;
  severity: 'error' | 'warning' | 'info';
  message: string;
  /** `file:line:col` (workspace-relative) when the diagnostic has a place. */
  where?: string;
}

export interface BaseSide {
  ref: string;
  commit: string;
  /** Repository-relative workspace folder at the base (`.` for the root); null when the base has no workspace. */
  path: string | null;
  compiled: boolean;
  errors: number;
  /** The first errors, when the base does not compile. */
  diagnostics: SideDiagnostic[];
}

export interface HeadSide {
  ref: 'working tree';
  path: string;
  compiled: true;
  warnings: number;
}

export interface PlanSummary {
  /** One line for a pull request: "2 segments changed (+1,204 / -37 customers), 1 journey changed". */
  line: string;
  added: number;
  changed: number;
  removed: number;
  renamed: number;
  moved: number;
  affected: number;
  /** Customers entering / leaving, summed over the directly changed segments (null without data). */
  entered: number | null;
  left: number | null;
}

export interface DefinitionChange {
  /** `Kind/name` in the head (in the base for a removed definition). */
  key: string;
  kind: Kind;
  name: string;
  change: ChangeKind;
  /** Workspace-relative file in the head (in the base for a removed definition). */
  file: string;
  /** The file at the base, when it differs. */
  base_file?: string;
  /** The name at the base of a renamed definition. */
  renamed_from?: string;
  /** What differs: spec paths (`spec.where`), or why the compiled result changed. */
  details: string[];
  /** For `affected`: the changed definitions it depends on. */
  via?: string[];
}

export type DataSourceKind = 'database' | 'sample' | 'none';

export interface DataSummary {
  source: DataSourceKind;
  /** Where the data lives (password redacted), or why there is none. */
  description: string;
  /** Why this source was chosen (e.g. the configured database does not exist yet). */
  reason?: string;
  customers: number | null;
  /** How overlaps were counted: memberships stored in the database as of this instant (ISO), if any. */
  memberships_as_of: string | null;
}

export interface Reach {
  members: number;
  /** Members who can be emailed: an address, consent, and not suppressed. */
  reachable: number;
  no_email: number;
  no_consent: number;
  suppressed: number;
}

export interface SegmentImpact {
  name: string;
  change: ChangeKind | 'unchanged';
  before: number | null;
  after: number | null;
  entered: number | null;
  left: number | null;
  /** A few entering / leaving customers, masked. */
  sample_entered: string[];
  sample_left: string[];
  /** Head members also in other live segments (largest first). */
  overlap: Array<{ segment: string; customers: number; share: number }>;
  reach: { before: Reach | null; after: Reach | null };
  /** Why a side could not be evaluated. */
  errors?: { base?: string; head?: string };
}

export interface CampaignImpact {
  name: string;
  change: ChangeKind;
  audience: { before: string | null; after: string | null };
  template: { before: string | null; after: string | null };
  send_at: { before: string | null; after: string | null };
  /** Reachable members of the audience before and after (null without data). */
  recipients: { before: number | null; after: number | null };
}

export interface JourneyImpact {
  name: string;
  change: ChangeKind;
  steps: { added: string[]; removed: string[]; changed: string[] };
  /** A Mermaid flowchart of the head journey (the base one when removed), changed steps marked. */
  diagram: string | null;
}

export interface TemplateSample {
  /** The customer, masked. */
  customer: string;
  source: 'sample_data' | 'database';
  subject: { before: string | null; after: string | null };
  preheader: { before: string | null; after: string | null };
  /** Unified diff of the plain-text part, base → head ('' when the text is the same). */
  text_diff: string;
  html_changed: boolean;
  /** Why a side could not be rendered. */
  errors?: { base?: string; head?: string };
  /** Set on a translated template's extra samples: the first customer rendered in this language. */
  language?: string;
}

export interface Screenshot {
  customer: string;
  side: 'base' | 'head';
  device: 'desktop' | 'mobile';
  width: number;
  /** Relative to the --out folder. */
  path: string;
}

export interface TemplateImpact {
  name: string;
  change: ChangeKind;
  category: { before: string | null; after: string | null };
  /** Whether the rendered emails carry the unsubscribe link (null: not rendered). */
  unsubscribe: { before: boolean | null; after: boolean | null };
  samples: TemplateSample[];
  screenshots: Screenshot[];
}

export interface ModelVersionSummary {
  version: number;
  metric: string;
  value: number | null;
  passed: boolean;
}

export interface ModelImpact {
  name: string;
  change: ChangeKind | 'unchanged';
  active: ModelVersionSummary | null;
  /** The newest stored version trained for the head's spec, when it is not the active one. */
  candidate: ModelVersionSummary | null;
  /** Whether the candidate scores worse than the active version on the model's primary metric. */
  worse: boolean | null;
  note: string;
}

export interface Forecast {
  from: string;
  until: string;
  total: number;
  days: Array<{ date: string; sends: number }>;
  /** `first_day`: sends on its first day of sending in the window (a journey's first day live, a campaign's launch). */
  by_origin: Array<{ kind: 'journey' | 'campaign'; name: string; sends: number; first_day: number }>;
  by_template: Array<{ template: string; sends: number }>;
  suppressed: Record<string, number>;
}

export interface Risk {
  code: string;
  severity: 'error' | 'warning';
  /** `Kind/name` of the definition the risk is about. */
  definition: string;
  message: string;
}

export interface PlanNote {
  code: string;
  severity: 'error' | 'warning' | 'info';
  message: string;
}
