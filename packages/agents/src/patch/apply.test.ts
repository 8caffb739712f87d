import { describe, expect, it } from 'vitest';
import { applyUnifiedDiff, snapshotOf, summarizeDiff } from '@baton/agents';

const snapshot = snapshotOf(
  new Map([
    ['lib/a.js', 'one\ntwo\nthree\n'],
    ['README.md', 'hi\n'],
  ]),
  new Map([['link', '/etc']]),
);

function edit(path: string, from = 'two', to = 'TWO', oldPrefix = 'a/', newPrefix = 'b/'): string {
  return `--- ${oldPrefix}${path}\n+++ ${newPrefix}${path}\n@@ -1,3 +1,3 @@\n one\n-${from}\n+${to}\n three\n`;
}

describe('applyUnifiedDiff', () => {
  it('applies a clean diff in memory and reports the files touched', () => {
    const result = applyUnifiedDiff(snapshot, edit('lib/a.js'));
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.files.get('lib/a.js')).toBe('one\nTWO\nthree\n');
    expect(result.touched).toEqual(['lib/a.js']);
    expect(snapshot.files.get('lib/a.js')).toBe('one\ntwo\nthree\n');
    expect(summarizeDiff(edit('lib/a.js'))).toEqual({ parses: true, files: ['lib/a.js'], changedLines: 2 });
  });

  it('creates a new file from /dev/null', () => {
    const result = applyUnifiedDiff(snapshot, '--- /dev/null\n+++ b/lib/new.js\n@@ -0,0 +1,1 @@\n+export const x = 1;\n');
    expect(result.ok && result.files.get('lib/new.js')).toBe('export const x = 1;\n');
  });

  it('detects a diff whose context does not match', () => {
    const result = applyUnifiedDiff(snapshot, edit('lib/a.js', 'deux'));
    expect(result).toMatchObject({ ok: false, reason: 'a hunk does not apply to "lib/a.js"' });
  });

  it('rejects text that is no diff', () => {
    expect(applyUnifiedDiff(snapshot, 'please fix it')).toMatchObject({ ok: false });
  });

  it.each([
    ['../outside.js', 'leaves the repository'],
    ['lib/../../outside.js', 'leaves the repository'],
    ['/etc/passwd', 'is absolute'],
    ['link/passwd', 'goes through the symlink "link"'],
    ['link', 'goes through the symlink "link"'],
  ])('refuses a patch touching %s', (path, reason) => {
    const result = applyUnifiedDiff(snapshot, edit(path, 'two', 'TWO', '', ''));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toContain(reason);
  });

  it('refuses a patch that creates a symlink (git mode 120000)', () => {
    const diff =
      'diff --git a/evil b/evil\nnew file mode 120000\n--- /dev/null\n+++ b/evil\n@@ -0,0 +1 @@\n+/etc/passwd\n\\ No newline at end of file\n';
    expect(applyUnifiedDiff(snapshot, diff)).toMatchObject({ ok: false, reason: 'patches may not create or change symlinks' });
  });
});
