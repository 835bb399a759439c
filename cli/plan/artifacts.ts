import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PlanDocument } from './document.ts';
import { planMarkdown, type MarkdownOptions } from './format/markdown.ts';

export interface WrittenPlan {
  json: string;
  markdown: string;
  comment: string;
}

/**
 * `--out DIR`: the plan as files for a CI artifact: plan.json (the document), plan.md (the full
 * markdown, never shortened) and comment.md (the markdown that fits in a pull-request comment);
 * screenshots are already under DIR/screenshots/.
 */
export function writePlanFiles(dir: string, doc: PlanDocument, options: MarkdownOptions): WrittenPlan {
  mkdirSync(dir, { recursive: true });
  const written = { json: join(dir, 'plan.json'), markdown: join(dir, 'plan.md'), comment: join(dir, 'comment.md') };
  writeFileSync(written.json, `${JSON.stringify(doc, null, 2)}\n`);
  writeFileSync(written.markdown, planMarkdown(doc, { ...options, limit: Infinity }));
  writeFileSync(written.comment, planMarkdown(doc, options));
  return written;
}
