import type { Severity } from '../diagnostic.ts';

/** One entry of the code catalogue: the short title and the long explanation `herald explain-code` prints. */
export interface CodeEntry {
  code: string;
  title: string;
  severity: Severity;
  explanation: string;
}

export type { MessageTable } from '../../contract/messages/types.ts';
