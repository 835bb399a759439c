#!/usr/bin/env node
// `npm run build` (and `prepare`, so `npm ci` on a fresh clone builds too): compiles the TypeScript
// sources into dist/ and copies the files they read at run time next to them (the JSON Schemas,
// the MJML worker), so dist/ is a self-contained program.
import { cpSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const started = Date.now();
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit', cwd: root });
mkdirSync(join(root, 'dist'), { recursive: true });
cpSync(join(root, 'schemas'), join(root, 'dist', 'schemas'), { recursive: true });
// The worker threads' scripts: the MJML compiler's and SQLite's background checkpointer.
for (const worker of [join('compiler', '3-analyze', 'templates', 'mjml-worker.mjs'), join('runtime', 'db', 'checkpoint-worker.mjs')])
  cpSync(join(root, worker), join(root, 'dist', worker));
// The starter packs `herald init` copies into a new workspace (templates, data, YAML).
const packs = join('cli', 'init', 'packs');
cpSync(join(root, packs), join(root, 'dist', packs), { recursive: true });

// chevrotain's ESM build pulls in lodash-es, kysely's is several hundred small modules, and yaml's
// (CommonJS) some eighty files: their loading took most of a `herald validate` start. One
// pre-bundled file each instead (the same code, linked once), and every import of the package in
// dist/ points at it, so there is one copy.
const esbuild = await import('esbuild');
const require = createRequire(import.meta.url);
/** yaml is CommonJS: an ESM entry that names its exports, and a `require` for its own use of node:process. */
function commonJsEntry(name) {
  const names = Object.keys(require(name)).filter((n) => n !== 'default' && n !== '__esModule');
  return {
    stdin: {
      contents: `import cjs from '${name}';\nexport const { ${names.join(', ')} } = cjs;\nexport default cjs;\n`,
      resolveDir: root,
      loader: 'js',
    },
    banner: { js: "import { createRequire as __heraldRequire } from 'node:module';\nconst require = __heraldRequire(import.meta.url);" },
  };
}
const VENDORED = { chevrotain: { entryPoints: ['chevrotain'] }, kysely: { entryPoints: ['kysely'] }, yaml: commonJsEntry('yaml') };
function jsFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? jsFiles(join(dir, e.name)) : e.name.endsWith('.js') ? [join(dir, e.name)] : [],
  );
}
const compiled = ['cli', 'compiler', 'runtime'].flatMap((dir) => jsFiles(join(root, 'dist', dir)));
for (const [name, entry] of Object.entries(VENDORED)) {
  const vendor = join(root, 'dist', 'vendor', `${name}.js`);
  await esbuild.build({
    ...entry,
    bundle: true,
    format: 'esm',
    platform: 'node',
    outfile: vendor,
    logLevel: 'warning',
    absWorkingDir: root,
  });
  for (const file of compiled) {
    const text = readFileSync(file, 'utf8');
    if (!text.includes(`from '${name}'`)) continue;
    let spec = relative(dirname(file), vendor).split(sep).join('/');
    if (!spec.startsWith('.')) spec = `./${spec}`;
    writeFileSync(file, text.replaceAll(`from '${name}'`, `from '${spec}'`));
  }
}

// The schemas' validators, compiled now into standalone code rather than by ajv at every start
// (which took most of a `herald validate`): compiler/2-validate/shipped-schemas.ts loads this file.
const { precompiledSchemaSource } = await import(pathToFileURL(join(root, 'dist', 'compiler', '2-validate', 'precompile.js')).href);
await esbuild.build({
  stdin: {
    contents: precompiledSchemaSource(join(root, 'dist', 'schemas')),
    resolveDir: root,
    loader: 'js',
    sourcefile: 'precompiled-schemas.cjs',
  },
  bundle: true,
  minify: true,
  format: 'cjs',
  platform: 'node',
  outfile: join(root, 'dist', 'compiler', '2-validate', 'precompiled-schemas.cjs'),
  logLevel: 'warning',
  absWorkingDir: root,
});
process.stdout.write(`built dist/ in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
