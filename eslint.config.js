// ESLint flat config: typescript-eslint's recommended rules plus Herald's import boundaries
// (lint/import-boundaries.js). Syntax-only rules, so a lint of the whole tree stays quick.
import tseslint from 'typescript-eslint';
import { importBoundariesRule } from './lint/import-boundaries.js';

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'build/**', 'bench/results/**', '**/.herald/**'] },
  ...tseslint.configs.recommended,
  {
    plugins: { herald: { rules: { 'import-boundaries': importBoundariesRule } } },
    rules: {
      'herald/import-boundaries': 'error',
      // Kysely queries over tables created at run time (traits, segments) are typed `Kysely<any>`
      // on purpose; a generated database type would have to follow every workspace.
      '@typescript-eslint/no-explicit-any': 'off',
      // A leading underscore names a value kept for its position (an unused argument, a
      // destructured field dropped on purpose).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
    },
  },
  {
    // A benchmark's sink keeps results alive so the engine cannot drop the measured work.
    files: ['bench/**'],
    rules: { '@typescript-eslint/no-unused-vars': ['error', { varsIgnorePattern: '^(_|sink$)', argsIgnorePattern: '^_' }] },
  },
);
