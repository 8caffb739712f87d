// @ts-check
// Type-aware lint (decision 0017): typescript-eslint's strictTypeChecked, with the few options below set narrowly.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

export default defineConfig(
  { ignores: ['**/node_modules/**', '**/dist/**', '**/.vite/**', 'apps/*/dist/**', '**/__fixtures__/**', '**/scratch/**'] },
  js.configs.recommended,
  tseslint.configs.strictTypeChecked,
  prettier,
  {
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', URL: 'readonly' },
      parserOptions: {
        // Each file is checked with the tsconfig.json nearest to it; the few plain .mjs/.js files outside every
        // tsconfig get the root one's options.
        projectService: { allowDefaultProject: ['eslint.config.js', 'scripts/*.mjs', 'examples/*.mjs'], defaultProject: 'tsconfig.json' },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      // Numbers in messages and tables are the point of a benchmark's output and print predictably; undefined, null,
      // booleans, objects and any in a template are still errors (they print "undefined" or "[object Object]").
      '@typescript-eslint/restrict-template-expressions': [
        'error',
        { allowNumber: true, allowAny: false, allowBoolean: false, allowNever: false, allowNullish: false, allowRegExp: false },
      ],
      // `() => setError(e.message)` is how callbacks are written here; a void value used anywhere else is still an error.
      '@typescript-eslint/no-confusing-void-expression': ['error', { ignoreArrowShorthand: true }],
      // `async` without `await` is how a synchronous body implements a Promise-returning interface here (a model
      // adapter, a learner, a lazy loader): a throw becomes a rejection, as callers expect. Forgotten awaits are
      // what no-floating-promises and no-misused-promises catch.
      '@typescript-eslint/require-await': 'off',
      'no-restricted-syntax': ['error', { selector: 'ExportAllDeclaration', message: 'Use explicit named exports.' }],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    rules: {
      // Plain JS has no annotations, so its parameters are any: the rules about any and about the types of operands
      // would flag every line. The type-aware rules about promises, conditions and deprecations still apply.
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/restrict-plus-operands': 'off',
      '@typescript-eslint/restrict-template-expressions': 'off',
    },
  },
  {
    files: ['**/*.test.ts', '**/*.test.tsx'],
    rules: {
      // vitest types its asymmetric matchers (expect.any, expect.stringContaining, expect.closeTo) as any, so every
      // `{ field: expect.any(Number) }` would be flagged; the rule stays on for all source files.
      '@typescript-eslint/no-unsafe-assignment': 'off',
    },
  },
);
