import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const markdown = (dir: string): string[] =>
  readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() && e.name !== 'node_modules' ? markdown(join(dir, e.name)) : e.name.endsWith('.md') ? [join(dir, e.name)] : [],
  );

describe('docs', () => {
  it('every relative link in the README and docs/ points at a file that exists', () => {
    const files = ['README.md', ...markdown('docs')];
    const broken: string[] = [];
    for (const file of files) {
      const text = readFileSync(join(root, file), 'utf8');
      for (const [, target] of text.matchAll(/\]\(([^)\s#]+)(?:#[^)]*)?\)/g)) {
        if (!target || /^[a-z]+:/.test(target)) continue;
        if (!existsSync(resolve(root, dirname(file), target))) broken.push(`${file}: ${target}`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('links every README below the root from the root README', () => {
    // A package's own README (its page on the registry) is exempt: the layout list names the packages.
    const readmes = ['packages', 'apps', 'bench'].flatMap((dir) =>
      markdown(dir).filter((f) => f.endsWith('README.md') && !/^packages\/[^/]+\/README\.md$/.test(f)),
    );
    expect(readmes.length).toBeGreaterThan(5);
    const linked = new Set(
      [...readFileSync(join(root, 'README.md'), 'utf8').matchAll(/\]\(([^)\s#]+)/g)].map(([, t]) => resolve(root, t ?? '')),
    );
    const unlinked = readmes.filter((f) => !linked.has(join(root, f)) && !linked.has(dirname(join(root, f))));
    expect(unlinked, 'link these from the Docs list of the root README').toEqual([]);
  });

  it('has the Apache-2.0 licence every package names, at the root', () => {
    expect(readFileSync(join(root, 'LICENSE'), 'utf8')).toMatch(/^\s*Apache License\s+Version 2\.0, January 2004/);
    const manifests = ['packages', 'apps', 'bench'].flatMap((dir) =>
      readdirSync(join(root, dir))
        .map((name) => join(root, dir, name, 'package.json'))
        .filter((f) => existsSync(f)),
    );
    for (const manifest of manifests)
      expect((JSON.parse(readFileSync(manifest, 'utf8')) as { license?: unknown }).license, manifest).toBe('Apache-2.0');
  });

  it('has the design notes the code cites (docs/ICQ.md)', () => {
    for (const note of ['ICQ.md', 'ARCHITECTURE.md', 'STYLE.md']) expect(existsSync(join(root, 'docs', note))).toBe(true);
  });
});

describe('README example', () => {
  it('is examples/quickstart.mjs, complete, in 15 lines or fewer', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const example = /## Example\n[\s\S]*?```js\n([\s\S]*?)```/.exec(readme)?.[1];
    const quickstart = readFileSync(join(root, 'examples', 'quickstart.mjs'), 'utf8');
    expect(example).toBe(quickstart);
    expect(quickstart.trimEnd().split('\n').length).toBeLessThanOrEqual(15);
  });
});
