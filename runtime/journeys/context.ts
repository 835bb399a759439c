/** What every part of a run shares: the database, the manifest, compiled rules and versions, options. */
import { defaultWorkerId } from '../delivery/liveness.ts';
import type { DeliverySettings } from '../delivery/settings.ts';
import type { LinkSigner } from '../recipient/tokens.ts';
import type { Manifest } from '../../compiler/contract/manifest.ts';
import type { Database } from '../db/database.ts';
import type { Transport } from '../delivery/types.ts';
import { JourneyRules } from './rules.ts';
import type { JourneyProblem } from './types.ts';
import { VersionStore, campaignsOf, journeysOf, type RuntimeCampaign, type RuntimeJourney } from './versions.ts';
import { RunTally } from './tally.ts';

export interface RunOptions {
  /** Run everything due up to this instant (epoch ms). */
  until: number;
  /** Where the clock starts on a database that has never run journeys (default: `until`). */
  from?: number;
  /** The delivery worker's transport (`file` for dry runs, a capturing one for tests and forecasts). */
  transport: Transport;
  /** Signs the links of sent messages (default: HERALD_SECRET, else a throwaway key; see runtime/recipient/secret.ts). */
  signer?: LinkSigner;
  /** The delivery worker's settings (default: the workspace's `delivery` block). */
  deliverySettings?: DeliverySettings;
  /** Unique among live workers; a restarted worker reuses it to resume its delivery claims. */
  workerId?: string;
  /**
   * The shortest slice of the clock (ms). Within a slice, entries, steps and deliveries are
   * processed together and messages go out at the slice's end; 0 slices at every instant where
   * something happens (exact send times, for tests). Default one minute.
   */
  resolutionMs?: number;
  /** How often segments are re-materialized on the run's clock (default one day). */
  segmentRefreshMs?: number;
  /** Materialize segments at each refresh (default true); false reads the stored memberships only. */
  materializeSegments?: boolean;
  /** Run only these journeys and campaigns (a Test runs its target alone). Default: all of them. */
  only?: { journeys: readonly string[]; campaigns: readonly string[] };
  /**
   * Run the delivery worker for what is due (default true). False leaves the messages queued in
   * the outbox for separate delivery workers (`herald run --skip-delivery`).
   */
  deliver?: boolean;
  /** Entries per transaction (default 500). */
  batchSize?: number;
  /** Called after each slice (progress on a TTY). */
  onSlice?: (progress: { at: number; until: number; summary: Readonly<RunSummary> }) => void;
  /** The wall clock, for delivery claim leases (default Date.now). */
  wallClock?: () => number;
  /**
   * Give SQLite a larger page cache while the run lasts (default true: a long run over many
   * customers). `herald serve` runs short passes all the time and keeps the connection's cache.
   */
  largerCache?: boolean;
  /** Aborting stops the run after the current batch (the clock stays where it got to). */
  signal?: AbortSignal;
}

export interface RunSummary {
  from: number;
  until: number;
  slices: number;
  /** Per journey: entries created. */
  entered: Record<string, number>;
  /** Per journey and exit reason: entries that ended. */
  exited: Record<string, Record<string, number>>;
  /** Per origin (`journey:name` / `campaign:name`) and template: sends queued. */
  queued: Record<string, Record<string, number>>;
  holdouts: Record<string, number>;
  campaigns: Array<{ name: string; status: 'launched' | 'missed'; at: number; recipients: number }>;
  delivery: { sent: number; suppressed: Record<string, number>; delayed: number; retrying: number; failed: number };
  problems: JourneyProblem[];
}

export class RunContext {
  readonly journeys: RuntimeJourney[];
  readonly campaigns: RuntimeCampaign[];
  readonly rules: JourneyRules;
  readonly versions: VersionStore;
  readonly tally: RunTally;
  /** The database's id key (runtime/db/id-key.ts), loaded when the run starts. */
  idKey: Buffer = Buffer.alloc(0);

  constructor(
    readonly db: Database,
    readonly manifest: Manifest,
    readonly options: RunOptions,
  ) {
    const only = options.only;
    this.journeys = journeysOf(manifest).filter((j) => !only || only.journeys.includes(j.name));
    this.campaigns = campaignsOf(manifest).filter((c) => !only || only.campaigns.includes(c.name));
    this.rules = new JourneyRules(manifest);
    this.versions = new VersionStore(journeysOf(manifest));
    this.tally = new RunTally();
  }

  get batchSize(): number {
    return this.options.batchSize ?? 500;
  }

  get workerId(): string {
    return this.options.workerId ?? defaultWorkerId();
  }
}
