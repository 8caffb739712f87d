import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { topCommand } from './top.ts';
import { UserError } from '@baton/core';
import {
  auditCosts,
  readAuditRecords,
  replayAudit,
  verifyAuditLog,
  type AuditCosts,
  type AuditRecord,
  type CostLine,
  type VerifyResult,
} from '@baton/audit';
import { checkAuditFile } from './audit-read.ts';
import { formatTimeline, usd } from './audit-show.ts';
import { outputFile } from '../program.ts';
import { createProgress, stderrIsTTY } from '../progress.ts';
import { terminalSafe } from '../terminal.ts';

/** Reads the HMAC key from the env var named by --key-env; naming an unset var is a usage error. */
function keyFrom(name: string | undefined): string | undefined {
  if (name === undefined) return undefined;
  const key = process.env[name];
  if (!key) throw new UserError(`environment variable ${name} is not set`, { field: '--key-env' });
  return key;
}

/** Logs larger than this get a progress bar on `verify` (when stderr is a terminal). */
const PROGRESS_BYTES = 64e6;

/**
 * The records of `file` for show/replay/costs, which read a log without checking its hashes. A log that does not end
 * whole (a torn last line, or no seal) is read as far as it goes, with a warning on stderr: its figures are partial.
 */
async function records(file: string): Promise<AuditRecord[]> {
  await checkAuditFile(file);
  const read = await readAuditRecords(file);
  const n = read.records.length;
  if (read.tornTail)
    console.error(
      `warning: ${file} ends in an incomplete line ${n + 1} (a write was cut short); read ${n} complete records, figures may be partial`,
    );
  else if (!read.sealed)
    console.error(`warning: ${file} is not sealed (the writer did not close it, or it is still being written); read ${n} records`);
  return read.records;
}

const UNSIGNED = 'unsigned: proves nothing against a rewrite of the whole file';
const KEY_NOT_CHECKED = 'signed, HMACs not checked (pass --key-env): proves nothing against a rewrite of the whole file';

/**
 * What `verify` says. A hash chain alone catches edits, deletions and reordering, but anyone can rewrite the whole
 * file with fresh hashes: only a checked HMAC (or a head anchored elsewhere) rules that out, and the verdict says
 * which of the two the reader has.
 */
export function formatVerdict(result: VerifyResult, keyChecked: boolean): string[] {
  const through = result.authenticated ?? 0;
  const trust = !result.signed ? UNSIGNED : !keyChecked ? KEY_NOT_CHECKED : undefined;
  if (result.ok) {
    const what = `${result.records} records${result.sealed ? ', sealed' : ''}`;
    if (trust) return [`intact, ${trust}: ${what}; head ${String(result.head)}`];
    // A mac covers its record and every one before it: on a live log, records after the last signed checkpoint
    // chain, but the key does not vouch for them yet.
    if (through < result.records)
      return [
        `intact: ${what}, HMAC checked through line ${through}; lines ${through + 1}-${result.records} chain but no signed checkpoint covers them yet; head ${String(result.head)}`,
      ];
    return [`intact: ${what}, HMAC checked; head ${String(result.head)}`];
  }
  const lines: string[] = [];
  if (result.firstBad) lines.push(`TAMPERED at line ${result.firstBad.line}: ${result.firstBad.reason}`);
  else if (result.tornTail) lines.push(`TORN TAIL at line ${result.records + 1}: the last line is incomplete (a write was cut short)`);
  const vouched =
    result.signed && keyChecked ? (through > 0 ? `; the key vouches for lines 1-${through}` : '; no line is vouched for by the key') : '';
  lines.push(`${result.records} records before it verify${trust ? ` (${trust})` : vouched}`);
  return lines;
}

function costTable(title: string, rows: Readonly<Record<string, CostLine & { count?: number }>>): string[] {
  const out = [
    title,
    `  ${'name'.padEnd(24)} ${'dollars'.padStart(12)} ${'input tok'.padStart(10)} ${'output tok'.padStart(10)} ${'work'.padStart(6)}${title.includes('edge') ? ' taken'.padStart(7) : ''}`,
  ];
  const sorted = Object.entries(rows).sort((a, b) => b[1].dollars - a[1].dollars);
  for (const [name, r] of sorted) {
    out.push(
      `  ${name.padEnd(24)} ${usd(r.dollars).padStart(12)} ${String(r.inputTokens).padStart(10)} ${String(r.outputTokens).padStart(10)} ${String(r.work).padStart(6)}${r.count !== undefined ? String(r.count).padStart(7) : ''}`,
    );
  }
  return out;
}

export function formatCosts(costs: AuditCosts): string {
  return [
    `total ${usd(costs.total.dollars)}, ${costs.total.inputTokens + costs.total.outputTokens} tokens, ${costs.total.work} units of work`,
    ...costTable('per agent', costs.agents),
    ...costTable('per handoff edge (work done by the receiver after the edge)', costs.edges),
  ].join('\n');
}

/** `baton audit verify|show|replay|costs FILE`. */
export function register(program: Command): void {
  const audit = topCommand(program, 'audit');

  audit
    .command('verify')
    .description('Check the hash chain (and HMACs with --key-env): exit 0 intact, 1 tampered, torn or unsealed, 2 unreadable.')
    .argument('<file>', 'audit log (JSONL)')
    .option('--key-env <name>', 'environment variable holding the HMAC key')
    .option('--live', 'do not require the seal record (log still being written)')
    .action(async (file: string, opts: { keyEnv?: string; live?: boolean }) => {
      const hmacKey = keyFrom(opts.keyEnv);
      const size = await checkAuditFile(file);
      // A bar for a log that takes a while (~400k records/s here): bytes checked of the file's size, on a terminal.
      const progress = createProgress('verify', stderrIsTTY() && size > PROGRESS_BYTES, { units: 'bytes' });
      const result = await verifyAuditLog(file, {
        ...(hmacKey === undefined ? {} : { hmacKey }),
        requireSeal: !opts.live,
        onProgress: (bytes: number) => progress.update(bytes, size),
      });
      progress.stop();
      for (const line of formatVerdict(result, hmacKey !== undefined)) console.log(line);
      if (!result.ok) process.exitCode = 1;
    });

  audit
    .command('show')
    .description('A readable timeline: who handed to whom and why (Q-values, legal set, explored), the scalar back, the cost.')
    .argument('<file>', 'audit log (JSONL)')
    .option('--episode <id>', 'only this episode')
    .action(async (file: string, opts: { episode?: string }) => {
      const lines = formatTimeline(await records(file), opts.episode);
      if (opts.episode !== undefined && lines.length === 0)
        throw new UserError(`no episode "${opts.episode}" in ${file}`, { field: '--episode' });
      for (const line of lines) console.log(line);
    });

  audit
    .command('replay')
    .description(
      'Rebuild every episode and check it (artifact chain, handoffs vs decisions, scalar returns, totals): exit 1 on inconsistency.',
    )
    .argument('<file>', 'audit log (JSONL)')
    .action(async (file: string) => {
      const result = await replayAudit(await records(file));
      // Reasons quote agent names and ids from the log: terminal-safe.
      for (const p of result.problems) console.log(terminalSafe(`record ${p.seq}: ${p.reason}`));
      for (const e of result.episodes) {
        if (e.ok) continue;
        console.log(terminalSafe(`episode ${e.episodeId}: ${e.outcome}${e.problems.length ? '' : ' (no episode-end)'}`));
        for (const p of e.problems) console.log(terminalSafe(`  record ${p.seq}: ${p.reason}`));
      }
      const bad = result.episodes.filter((e) => !e.ok).length;
      console.log(
        `${result.episodes.length - bad}/${result.episodes.length} episodes consistent (integrity is checked by \`baton audit verify\`)`,
      );
      if (!result.ok) process.exitCode = 1;
    });

  audit
    .command('costs')
    .description('Dollars and tokens per agent and per handoff edge.')
    .argument('<file>', 'audit log (JSONL)')
    .option('--json <file>', 'also write the figures as JSON', outputFile('--json'))
    .action(async (file: string, opts: { json?: string }) => {
      const costs = await auditCosts(await records(file));
      console.log(terminalSafe(formatCosts(costs), Number.POSITIVE_INFINITY));
      if (opts.json) await writeFile(opts.json, `${JSON.stringify(costs, null, 2)}\n`);
    });
}
