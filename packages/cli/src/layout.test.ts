import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The package layout of docs/decisions/0013-package-layout.md, checked for every published package, so a new subpath
// or package follows it.
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
interface Manifest {
  name: string;
  version?: string;
  private?: boolean;
  exports: Record<string, string | Record<string, string>>;
  files?: string[];
  scripts?: Record<string, string>;
  bin?: Record<string, string>;
  dependencies?: Record<string, string>;
}
const published = readdirSync(join(root, 'packages'))
  .map((dir) => ({
    dir: join(root, 'packages', dir),
    pkg: JSON.parse(readFileSync(join(root, 'packages', dir, 'package.json'), 'utf8')) as Manifest,
  }))
  .filter(({ pkg }) => !pkg.private);

describe('package layout', () => {
  it.each(published.map((p) => [p.pkg.name, p] as const))(
    '%s: every subpath maps its source to dist with types and import',
    (_name, { dir, pkg }) => {
      expect(pkg.version).toMatch(/^\d+\.\d+\.\d+/);
      expect(pkg.files).toEqual(['dist', 'README.md']);
      expect(pkg.scripts?.['build']).toBe('node ../../scripts/build-package.mjs');
      expect(existsSync(join(dir, 'README.md'))).toBe(true);
      expect(pkg.dependencies?.['tsx']).toBeUndefined();
      for (const [subpath, target] of Object.entries(pkg.exports)) {
        if (subpath === './package.json') continue;
        expect(typeof target, subpath).toBe('object');
        const t = target as Record<string, string>;
        expect(Object.keys(t), subpath).toEqual(['@baton/source', 'types', 'import']);
        const source = t['@baton/source'] as string;
        expect(source, subpath).toMatch(/^\.\/src\/.+\.ts$/);
        expect(existsSync(join(dir, source)), `${subpath}: ${source}`).toBe(true);
        const built = source.replace(/^\.\/src\//, './dist/').replace(/\.ts$/, '');
        expect(t, subpath).toEqual({ '@baton/source': source, types: `${built}.d.ts`, import: `${built}.js` });
      }
      for (const bin of Object.values(pkg.bin ?? {})) expect(bin).toMatch(/^\.\/dist\/.+\.js$/);
    },
  );
});
