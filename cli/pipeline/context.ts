import type { CliIO } from '../command.ts';
import type { Manifest } from '../../compiler/contract/manifest.ts';
import type { Database } from '../../runtime/db/database.ts';
import { defaultAsOf } from './as-of.ts';
import type { Reporter } from './reporter.ts';

/** What the command line asked for. */
export interface PipelineFlags {
  /** `--db`: otherwise HERALD_DATABASE_URL, then the workspace's `database`. */
  db?: string;
  /** `--as-of` in epoch ms: otherwise the end of the data (see as-of.ts). */
  asOf?: number;
}

/**
 * What the steps of the main job share. The compile step provides the manifest and the open
 * database; later steps read them through the getters, which name the missing step if a step is
 * registered before what it needs (a programming error, not bad input).
 */
export class PipelineContext {
  private compiled?: { manifest: Manifest; db: Database };
  private asOfValue?: Promise<number>;

  constructor(
    readonly io: CliIO,
    /** Absolute path of the workspace. */
    readonly dir: string,
    /** Absolute path where sample emails (and other files for people to look at) go. */
    readonly outDir: string,
    readonly flags: PipelineFlags,
    readonly out: Reporter,
  ) {}

  get manifest(): Manifest {
    return this.need().manifest;
  }

  get db(): Database {
    return this.need().db;
  }

  /** Set once by the compile step. */
  provide(manifest: Manifest, db: Database): void {
    this.compiled = { manifest, db };
  }

  /**
   * The instant every step evaluates as of: `--as-of`, else the end of the loaded data. Read
   * after ingest (the first step to ask fixes it for the rest of the run).
   */
  asOf(): Promise<number> {
    this.asOfValue ??= this.flags.asOf !== undefined ? Promise.resolve(this.flags.asOf) : defaultAsOf(this.db);
    return this.asOfValue;
  }

  async close(): Promise<void> {
    await this.compiled?.db.close();
  }

  private need(): { manifest: Manifest; db: Database } {
    if (!this.compiled) throw new Error('internal: a pipeline step ran before the compile step provided the workspace');
    return this.compiled;
  }
}
