import { existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
type Manifest = { name: string; version: string; engines?: { node?: string }; dependencies?: Record<string, string> };
const read = (dir: string): Manifest => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest;

/** Whether `version` (x.y.z) satisfies an npm range of the kinds engines fields use (>=, ^, ~, x, ||). */
function satisfies(version: string, range: string): boolean {
  type V = readonly [number, number, number];
  const [vMajor = 0, vMinor = 0, vPatch = 0] = version.split('.').map(Number);
  const v: V = [vMajor, vMinor, vPatch];
  const cmp = (a: V, b: V): number => a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
  // `>= 18` is `>=18`.
  return range
    .replace(/(>=|<=|>|<|=|\^|~)\s+/g, '$1')
    .split('||')
    .some((alternative) =>
      alternative
        .trim()
        .split(/\s+/)
        .every((comparator) => {
          const m = /^(>=|<=|>|<|\^|~|=)?v?(\d+|x|\*)?(?:\.(\d+|x|\*))?(?:\.(\d+))?/.exec(comparator);
          if (!m || m[2] === undefined || m[2] === 'x' || m[2] === '*') return true;
          const [op, major, minor, patch] = [m[1] ?? '', Number(m[2]), m[3], m[4]];
          const low: V = [major, minor === undefined || minor === 'x' ? 0 : Number(minor), patch === undefined ? 0 : Number(patch)];
          const partial = minor === undefined || minor === 'x' ? 0 : patch === undefined ? 1 : 2;
          if (op === '>=') return cmp(v, low) >= 0;
          if (op === '>') return cmp(v, low) > 0;
          if (op === '<') return cmp(v, low) < 0;
          if (op === '<=') return cmp(v, low) <= 0;
          const high: V = op === '^' || partial === 0 ? [major + 1, 0, 0] : op === '~' || partial === 1 ? [major, low[1] + 1, 0] : low;
          return cmp(v, low) >= 0 && (high === low ? cmp(v, low) === 0 : cmp(v, high) < 0);
        }),
    );
}

/** Where Node would find `name` from `dir` (walking up the node_modules folders). */
function resolvePackage(name: string, dir: string): string | undefined {
  for (let at = dir; ; at = dirname(at)) {
    const candidate = join(at, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return realpathSync(candidate);
    if (dirname(at) === at) return undefined;
  }
}

describe('engines (issue 18.7)', () => {
  it('reads ranges as npm does', () => {
    expect(satisfies('20.19.0', '>=20.19')).toBe(true);
    expect(satisfies('20.19.0', '^20.19.0 || ^22.13.0 || >=24')).toBe(true);
    expect(satisfies('20.19.0', '18 || 20 || >=22')).toBe(true);
    expect(satisfies('20.19.0', '>=22')).toBe(false);
    expect(satisfies('20.19.0', '>=22.0.0')).toBe(false);
    expect(satisfies('20.19.0', '^20.0.0 || ^22.0.0')).toBe(true);
    expect(satisfies('20.19.0', '~20.18.0')).toBe(false);
    expect(satisfies('20.19.0', '>= 0.4')).toBe(true);
  });

  it('every package a Baton package installs, to the last transitive one, runs on the Node the workspace names', () => {
    const lowest = /(\d+)\.(\d+)/.exec(read(root).engines?.node ?? '');
    expect(lowest).not.toBeNull();
    const floor = `${String(lowest?.[1])}.${String(lowest?.[2])}.0`;
    const seen = new Map<string, Manifest>();
    const visit = (dir: string): void => {
      if (seen.has(dir)) return;
      const manifest = read(dir);
      seen.set(dir, manifest);
      for (const dep of Object.keys(manifest.dependencies ?? {})) {
        const found = resolvePackage(dep, dir);
        if (found) visit(found);
      }
    };
    for (const name of readdirSync(join(root, 'packages'))) visit(join(root, 'packages', name));
    expect(seen.size).toBeGreaterThan(50);
    const refusing = [...seen.values()]
      .filter((m) => m.engines?.node !== undefined && !satisfies(floor, m.engines.node))
      .map((m) => `${m.name}@${m.version} wants node ${String(m.engines?.node)}`);
    expect(refusing).toEqual([]);
  });
});
