#!/usr/bin/env node
// `npm run build` (and `prepare`, so `npm ci` on a fresh clone builds too): compiles the TypeScript
// sources into dist/ and copies the files they read at run time next to them (the JSON Schemas,
// the MJML worker), so dist/ is a self-contained program.
import { cpSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const started = Date.now();
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit', cwd: root });
mkdirSync(join(root, 'dist'), { recursive: true });
cpSync(join(root, 'schemas'), join(root, 'dist', 'schemas'), { recursive: true });
const worker = join('compiler', '3-analyze', 'templates', 'mjml-worker.mjs');
cpSync(join(root, worker), join(root, 'dist', worker));
// The starter packs `herald init` copies into a new workspace (templates, data, YAML).
const packs = join('cli', 'init', 'packs');
cpSync(join(root, packs), join(root, 'dist', packs), { recursive: true });

// chevrotain's ESM build pulls in lodash-es, several hundred small modules whose loading took
// most of a `herald validate` start. One pre-bundled file instead (the same code, linked once).
const esbuild = await import('esbuild');
const vendor = join(root, 'dist', 'vendor', 'chevrotain.js');
await esbuild.build({ entryPoints: ['chevrotain'], bundle: true, format: 'esm', platform: 'node', outfile: vendor, logLevel: 'warning', absWorkingDir: root });
function jsFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? jsFiles(join(dir, e.name)) : e.name.endsWith('.js') ? [join(dir, e.name)] : []));
}
for (const file of jsFiles(join(root, 'dist', 'compiler'))) {
  const text = readFileSync(file, 'utf8');
  if (!text.includes("from 'chevrotain'")) continue;
  let spec = relative(dirname(file), vendor).split(sep).join('/');
  if (!spec.startsWith('.')) spec = `./${spec}`;
  writeFileSync(file, text.replaceAll("from 'chevrotain'", `from '${spec}'`));
}
process.stdout.write(`built dist/ in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
