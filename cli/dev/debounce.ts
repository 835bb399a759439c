/**
 * Gathers changed paths until the workspace has been quiet for `quietMs`, then hands them over in
 * one batch: an editor's save in several steps (truncate then write, write a temporary file then
 * rename it) and a burst of hundreds of files (a `git checkout`) each become one rebuild. A
 * stream of changes that never goes quiet is still flushed every `maxWaitMs`.
 */
/** How long the workspace must be quiet before a rebuild (ms). */
export const QUIET_MS = 50;

export class ChangeBatcher {
  private paths = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private check: NodeJS.Immediate | undefined;
  private firstAt = 0;
  private added = 0;

  constructor(
    private readonly flush: (paths: string[]) => void,
    private readonly quietMs = QUIET_MS,
    private readonly maxWaitMs = 2000,
  ) {}

  add(path: string): void {
    if (this.paths.size === 0) this.firstAt = Date.now();
    this.paths.add(path);
    this.added++;
    if (this.timer) clearTimeout(this.timer);
    const waited = Date.now() - this.firstAt;
    this.timer = setTimeout(() => this.due(), waited >= this.maxWaitMs ? 0 : this.quietMs);
  }

  /** Drops anything pending (the watcher is closing). */
  cancel(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.check) clearImmediate(this.check);
    this.timer = undefined;
    this.check = undefined;
    this.paths.clear();
  }

  /**
   * The quiet period is over, as far as timers know. After the process was stalled (a busy
   * machine), expired timers run before the file events that queued meanwhile, so look once more
   * after those are handled: a change that arrived in the same turn starts a new quiet period.
   */
  private due(): void {
    this.timer = undefined;
    const seen = this.added;
    this.check = setImmediate(() => {
      this.check = undefined;
      if (this.added === seen || Date.now() - this.firstAt >= this.maxWaitMs) this.fire();
    });
  }

  private fire(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const paths = [...this.paths].sort();
    this.paths.clear();
    if (paths.length > 0) this.flush(paths);
  }
}
