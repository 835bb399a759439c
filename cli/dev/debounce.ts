/**
 * Gathers changed paths until the workspace has been quiet for `quietMs`, then hands them over in
 * one batch: an editor's save in several steps (truncate then write, write a temporary file then
 * rename it) and a burst of hundreds of files (a `git checkout`) each become one rebuild. A
 * stream of changes that never goes quiet is still flushed every `maxWaitMs`.
 */
export class ChangeBatcher {
  private paths = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private firstAt = 0;

  constructor(
    private readonly flush: (paths: string[]) => void,
    private readonly quietMs = 40,
    private readonly maxWaitMs = 1000,
  ) {}

  add(path: string): void {
    if (this.paths.size === 0) this.firstAt = Date.now();
    this.paths.add(path);
    if (this.timer) clearTimeout(this.timer);
    const waited = Date.now() - this.firstAt;
    this.timer = setTimeout(() => this.fire(), waited >= this.maxWaitMs ? 0 : this.quietMs);
  }

  /** Drops anything pending (the watcher is closing). */
  cancel(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.paths.clear();
  }

  private fire(): void {
    this.timer = undefined;
    const paths = [...this.paths].sort();
    this.paths.clear();
    if (paths.length > 0) this.flush(paths);
  }
}
