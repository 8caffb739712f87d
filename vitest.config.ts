import { defineConfig } from 'vitest/config';

// The workspace runs `@baton/*` from TypeScript sources through the `@baton/source` export condition
// (docs/decisions/0013-package-layout.md); installed packages resolve the built dist/ instead.
const conditions = ['@baton/source', 'node', 'development|production'];

const all = [
  'packages/*/src/**/*.test.ts',
  'packages/*/test/**/*.test.ts',
  'apps/*/test/**/*.test.ts',
  'bench/*/src/**/*.test.ts',
  'test/**/*.test.ts',
];
const integration = ['**/*.int.test.ts'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: {
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // `unit`: in-process, no server. `int` (x.int.test.ts): needs Redis, a browser, child processes or a network server.
    projects: [
      { extends: true, test: { name: 'unit', include: all, exclude: [...integration, '**/node_modules/**'] } },
      { extends: true, test: { name: 'int', include: integration, exclude: ['**/node_modules/**'] } },
    ],
  },
});
