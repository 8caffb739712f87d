import { posix } from 'node:path';
import { applyPatch, parsePatch, type StructuredPatch } from 'diff';
import type { RepoSnapshot } from './snapshot.ts';

/** The outcome of applying a diff to a snapshot: the new file set, or why it was refused or did not apply. */
export type ApplyResult =
  | { readonly ok: true; readonly files: ReadonlyMap<string, string>; readonly touched: readonly string[] }
  | { readonly ok: false; readonly reason: string; readonly touched: readonly string[] };

/** Files a diff touches and its size in changed lines, read without applying it. */
export interface DiffSummary {
  readonly parses: boolean;
  readonly files: readonly string[];
  readonly changedLines: number;
}

const DEV_NULL = '/dev/null';
const SYMLINK_MODE = '120000';

function parse(diff: string): StructuredPatch[] | undefined {
  try {
    return parsePatch(diff).filter((p) => p.hunks.length > 0 || p.isCreate || p.isDelete || p.isRename);
  } catch {
    return undefined;
  }
}

/** Strips git's `a/` / `b/` prefixes; keeps `/dev/null` as is. */
function rawName(name: string | undefined, prefix: 'a/' | 'b/'): string {
  const trimmed = (name ?? '').trim();
  if (trimmed === DEV_NULL) return DEV_NULL;
  return trimmed.startsWith(prefix) ? trimmed.slice(2) : trimmed;
}

/**
 * Checks that `name` stays inside the repository: no absolute path, no drive letter or backslash, no `..` segment,
 * and no path through a symlink of the snapshot (a link could point out of the tree). Returns a reason to refuse.
 */
export function unsafePathReason(name: string, snapshot: RepoSnapshot): string | undefined {
  if (name === '') return 'a file name is empty';
  if (name.includes('\0')) return `path "${name}" contains a NUL byte`;
  if (posix.isAbsolute(name) || /^[A-Za-z]:/.test(name)) return `path "${name}" is absolute`;
  if (name.includes('\\')) return `path "${name}" contains a backslash`;
  const segments = name.split('/');
  if (segments.includes('..')) return `path "${name}" leaves the repository ("..")`;
  for (let i = 1; i <= segments.length; i++) {
    const prefix = segments.slice(0, i).join('/');
    if (snapshot.symlinks.has(prefix)) return `path "${name}" goes through the symlink "${prefix}"`;
  }
  return undefined;
}

/** Touched files and changed-line count of a diff. */
export function summarizeDiff(diff: string): DiffSummary {
  const patches = parse(diff);
  if (!patches || patches.length === 0) return { parses: false, files: [], changedLines: 0 };
  const files = new Set<string>();
  let changedLines = 0;
  for (const p of patches) {
    const name = rawName(p.newFileName, 'b/') === DEV_NULL ? rawName(p.oldFileName, 'a/') : rawName(p.newFileName, 'b/');
    files.add(name);
    for (const h of p.hunks) for (const line of h.lines) if (line.startsWith('+') || line.startsWith('-')) changedLines++;
  }
  return { parses: true, files: [...files].sort(), changedLines };
}

/**
 * Applies a unified diff to a snapshot in memory (the `diff` package parses and applies hunks, without fuzz). A diff
 * that names a path outside the repository, a symlink, or a binary change is refused before anything is applied.
 */
export function applyUnifiedDiff(snapshot: RepoSnapshot, diff: string): ApplyResult {
  const patches = parse(diff);
  if (!patches) return { ok: false, reason: 'the diff could not be parsed', touched: [] };
  if (patches.length === 0) return { ok: false, reason: 'the diff changes nothing', touched: [] };
  const touched = summarizeDiff(diff).files;
  for (const p of patches) {
    if (p.isBinary) return { ok: false, reason: 'binary patches are not supported', touched };
    if (p.newMode === SYMLINK_MODE || p.oldMode === SYMLINK_MODE)
      return { ok: false, reason: 'patches may not create or change symlinks', touched };
    for (const name of [rawName(p.oldFileName, 'a/'), rawName(p.newFileName, 'b/')]) {
      if (name === DEV_NULL) continue;
      const reason = unsafePathReason(name, snapshot);
      if (reason) return { ok: false, reason: `refused: ${reason}`, touched };
    }
  }
  const files = new Map(snapshot.files);
  for (const p of patches) {
    const oldName = rawName(p.oldFileName, 'a/');
    const newName = rawName(p.newFileName, 'b/');
    const creating = oldName === DEV_NULL || p.isCreate === true;
    const source = creating ? '' : files.get(oldName);
    if (source === undefined) return { ok: false, reason: `no file "${oldName}" in the repository`, touched };
    if (creating && files.has(newName)) return { ok: false, reason: `"${newName}" already exists`, touched };
    const result = applyPatch(source, p);
    if (result === false) return { ok: false, reason: `a hunk does not apply to "${creating ? newName : oldName}"`, touched };
    if (!creating && (newName === DEV_NULL || p.isDelete === true || newName !== oldName)) files.delete(oldName);
    if (newName !== DEV_NULL && p.isDelete !== true) files.set(newName, result);
  }
  return { ok: true, files, touched };
}
