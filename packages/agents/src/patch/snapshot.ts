import { lstat, mkdir, mkdtemp, readdir, readFile, readlink, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { canonicalJson, sha256 } from '@baton/core';

/**
 * A repository frozen in memory: regular files by POSIX path and symlinks by path -> target. Patches apply to a
 * snapshot, never to the directory it came from, and tests run in a fresh copy of it.
 */
export interface RepoSnapshot {
  /** SHA-256 of the canonical JSON of files and symlinks: the patch artifact's `baseId`. */
  readonly id: string;
  readonly files: ReadonlyMap<string, string>;
  readonly symlinks: ReadonlyMap<string, string>;
}

const SKIPPED = new Set(['node_modules', '.git']);

/** Reads `dir` (skipping node_modules and .git) into a snapshot. */
export async function loadSnapshot(dir: string): Promise<RepoSnapshot> {
  const files = new Map<string, string>();
  const symlinks = new Map<string, string>();
  async function walk(current: string): Promise<void> {
    const entries = await readdir(current, { withFileTypes: true });
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      if (SKIPPED.has(entry.name)) continue;
      const full = join(current, entry.name);
      const path = relative(dir, full).split(sep).join('/');
      const stat = await lstat(full);
      if (stat.isSymbolicLink()) symlinks.set(path, await readlink(full));
      else if (stat.isDirectory()) await walk(full);
      else if (stat.isFile()) files.set(path, await readFile(full, 'utf8'));
    }
  }
  await walk(dir);
  return snapshotOf(files, symlinks);
}

/** A snapshot from in-memory files (and symlinks), e.g. for tests. */
export function snapshotOf(files: ReadonlyMap<string, string>, symlinks: ReadonlyMap<string, string> = new Map()): RepoSnapshot {
  const id = sha256(canonicalJson({ files: Object.fromEntries(files), symlinks: Object.fromEntries(symlinks) }));
  return { id, files, symlinks };
}

/** Writes `files` (and the snapshot's symlinks) into a fresh temporary directory and returns its path. */
export async function materialize(snapshot: RepoSnapshot, files: ReadonlyMap<string, string> = snapshot.files): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'baton-patch-'));
  for (const [path, content] of files) {
    const target = join(root, ...path.split('/'));
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, content);
  }
  for (const [path, target] of snapshot.symlinks) {
    const link = join(root, ...path.split('/'));
    await mkdir(dirname(link), { recursive: true });
    await symlink(target, link);
  }
  return root;
}
