// The import boundaries of Herald's source folders, in one table read by the ESLint rule
// (eslint.config.js) and by test/architecture/import-boundaries.test.ts.
//
// The compiler is layered: a folder imports only itself and folders of a lower layer, so the phases
// run in one direction and the contract (the compiled manifest's types and the language core shared
// by both backends) sits under everything. The runtime imports the compiler only through the
// contract. Neither imports cli/ (only tests, benchmarks and bin/ drive it).
import { posix } from 'node:path';

/** Compiler folders (or single files) by layer, lowest first. */
export const COMPILER_LAYERS = [
  ['compiler/contract'],
  ['compiler/diagnostics', 'compiler/dsl', 'compiler/schema'],
  ['compiler/1-load'],
  ['compiler/2-validate', 'compiler/models'],
  ['compiler/3-analyze'],
  ['compiler/sql'],
  ['compiler/4-emit'],
  ['compiler/index.ts'],
  ['compiler/incremental'],
];

/** The area a repository-relative path belongs to: a compiler unit, `runtime`, `cli`, or another top folder. */
export function areaOf(path) {
  const p = posix.normalize(path);
  for (const layer of COMPILER_LAYERS) {
    for (const unit of layer) if (p === unit || p.startsWith(unit + '/')) return unit;
  }
  return p.split('/')[0];
}

function layerOf(unit) {
  return COMPILER_LAYERS.findIndex((layer) => layer.includes(unit));
}

/**
 * Why importing `to` from `from` (both repository-relative) breaks a boundary, or undefined when
 * it is allowed. Only imports between Herald's own source files are judged.
 */
export function boundaryViolation(from, to) {
  const a = areaOf(from);
  const b = areaOf(to);
  if (a === b) return undefined;
  // Tests, benchmarks and the entry script drive the CLI; no library code leans on it.
  if (b === 'cli' && (a === 'runtime' || a.startsWith('compiler/'))) return 'nothing in the compiler or runtime imports the CLI';
  const fromCompiler = a.startsWith('compiler/');
  const toCompiler = b.startsWith('compiler/');
  if (a === 'runtime' && toCompiler && b !== 'compiler/contract') {
    return 'the runtime imports the compiler only through compiler/contract';
  }
  if (fromCompiler && b === 'runtime') return 'the compiler never imports the runtime';
  if (fromCompiler && toCompiler) {
    const la = layerOf(a);
    const lb = layerOf(b);
    if (lb === -1 || la === -1) return `${b} is not in the compiler's layer table (lint/import-boundaries.js)`;
    if (lb >= la) return `${a} may import only lower layers (${b} is not below it)`;
  }
  if (fromCompiler && !toCompiler && ['cli', 'runtime', 'test', 'bench', 'scripts'].includes(b)) {
    return `the compiler imports nothing from ${b}/`;
  }
  if (a === 'runtime' && ['test', 'bench', 'scripts'].includes(b)) return `the runtime imports nothing from ${b}/`;
  return undefined;
}

/** ESLint rule: reports relative imports that cross a boundary. */
export const importBoundariesRule = {
  meta: { type: 'problem', docs: { description: 'Herald folder import boundaries' }, schema: [] },
  create(context) {
    const root = posix.normalize(context.cwd.split('\\').join('/'));
    const file = posix.relative(root, context.filename.split('\\').join('/'));
    function check(node, source) {
      if (!source || typeof source.value !== 'string' || !source.value.startsWith('.')) return;
      const target = posix.normalize(posix.join(posix.dirname(file), source.value));
      const why = boundaryViolation(file, target);
      if (why) context.report({ node: source, message: `${source.value}: ${why}` });
    }
    return {
      ImportDeclaration: (node) => check(node, node.source),
      ExportNamedDeclaration: (node) => check(node, node.source),
      ExportAllDeclaration: (node) => check(node, node.source),
      ImportExpression: (node) => check(node, node.source.type === 'Literal' ? node.source : undefined),
    };
  },
};
