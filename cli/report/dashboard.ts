import { mkdir, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import type { CliIO } from '../command.ts';
import type { InsightsReport } from '../../runtime/insights/report.ts';
import { dashboardHtml } from '../../runtime/insights/dashboard/html.ts';

/** Writes the dashboard page to `<out>/index.html` (out relative to the current folder); returns the path as given to the user. */
export async function writeDashboard(
  io: CliIO,
  report: InsightsReport,
  o: { dir: string; out: string; workspace: string; database: string; span: string },
): Promise<string> {
  const folder = resolve(io.cwd, o.out);
  await mkdir(folder, { recursive: true });
  const file = join(folder, 'index.html');
  await writeFile(file, dashboardHtml(report, { workspace: o.workspace, database: o.database, span: o.span, generatedAt: new Date() }));
  return relative(io.cwd, file) || file;
}
