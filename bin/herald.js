#!/usr/bin/env node
// The `herald` command: runs the compiled CLI in dist/ (built by `npm run build`, which `npm ci`
// and `npm pack` run through `prepare`). No TypeScript loader at run time.
try {
  await import('../dist/cli/bin.js');
} catch (e) {
  if (e?.code !== 'ERR_MODULE_NOT_FOUND' || !String(e.message).includes('dist/cli/bin.js')) throw e;
  process.stderr.write('herald: dist/ is missing; run `npm run build` in the Herald checkout first\n');
  process.exitCode = 2;
}
