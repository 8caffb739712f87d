// Builds the package in the current directory (each package's `pnpm build`): a clean dist/, then tsc with
// tsconfig.build.json (ESM + .d.ts, `.ts` imports rewritten to `.js`), then every src/**/__fixtures__ folder copied
// beside the JavaScript that reads it. See docs/decisions/0013-package-layout.md.
import { execFileSync } from 'node:child_process';
import { cpSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';

rmSync('dist', { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { stdio: 'inherit' });

const fixtures = (dir) =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (!entry.isDirectory()) return [];
    const path = join(dir, entry.name);
    return entry.name === '__fixtures__' ? [path] : fixtures(path);
  });
for (const dir of fixtures('src')) cpSync(dir, join('dist', relative('src', dir)), { recursive: true });
