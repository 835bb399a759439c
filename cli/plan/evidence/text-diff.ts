import { structuredPatch } from 'diff';

/**
 * A unified diff of two texts, hunks only (`@@ -3,4 +3,5 @@` and `-`/`+`/` ` lines), as a
 * ```diff block on GitHub shows it; '' when they are the same.
 */
export function unifiedDiff(before: string, after: string, context = 2): string {
  if (before === after) return '';
  const patch = structuredPatch('base', 'head', before, after, undefined, undefined, { context });
  const lines: string[] = [];
  for (const h of patch.hunks) {
    lines.push(`@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@`);
    for (const l of h.lines) if (!l.startsWith('\\')) lines.push(l);
  }
  return lines.join('\n');
}
