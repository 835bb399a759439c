#!/usr/bin/env node
// The `herald` command: runs the compiled CLI in dist/ (built by `npm run build`, which `npm ci`
// and `npm pack` run through `prepare`). No TypeScript loader at run time.
import { fileURLToPath } from 'node:url';

const dist = fileURLToPath(new URL('../dist/', import.meta.url));
try {
  await import('../dist/cli/bin.js');
} catch (e) {
  // dist/ missing, or built from older sources that lack a module the rest now imports: a
  // checkout that needs `npm run build`, said plainly rather than with a stack trace.
  const missing = e?.code === 'ERR_MODULE_NOT_FOUND' ? /Cannot find module '([^']+)'/.exec(String(e.message))?.[1] : undefined;
  if (missing === undefined || !missing.startsWith(dist)) throw e;
  const what = missing.endsWith('/dist/cli/bin.js') ? 'dist/ is missing' : `dist/ is out of date (it lacks ${missing.slice(dist.length)})`;
  process.stderr.write(`herald: ${what}; run \`npm run build\` in the Herald checkout first\n`);
  process.exitCode = 2;
}
