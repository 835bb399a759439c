import type { DefinitionKey } from '../contract/definition.ts';

/** What one incremental build recomputed and what it reused. */
export interface BuildStats {
  files: { parsed: number; reused: number };
  analyzed: { ran: number; reused: number };
  emitted: { ran: number; reused: number };
  /** Definitions whose analysis or emit ran again (sorted). */
  recompiled: DefinitionKey[];
  /** Wall time of the build in milliseconds. */
  ms: number;
}

export function emptyStats(): BuildStats {
  return { files: { parsed: 0, reused: 0 }, analyzed: { ran: 0, reused: 0 }, emitted: { ran: 0, reused: 0 }, recompiled: [], ms: 0 };
}
