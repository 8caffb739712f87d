import type { Command } from 'commander';
import { topCommand } from './top.ts';
import { checkKeyName, cleanFinishedKeys, KEY_KINDS, redactRedisUrl, removedKinds, type KeyCensus, type KeyKind } from '@baton/adapters';
import { connectChecked, redisUrl } from '../redis.ts';

interface CleanFlags {
  prefix: string;
  key?: string;
  redis?: string;
  failed?: boolean;
  dryRun?: boolean;
}

const HELP = `
Removes what finished episodes left under <prefix>: completed jobs, duplicate guards, effect markers, artifact
versions, episode keys. Most of these expire on their own (see the BullMQ runtime's README, "Redis keys"); this
removes them now. It never touches heads, inbox positions, counters or queues, nor any key that does not have the
shape of a key the runtime writes, and it refuses while an episode is in flight: run it between runs. Failed jobs
are kept for inspection unless --failed. Keys are found with SCAN (never KEYS); nothing is flushed.

Examples:
  baton queue clean --prefix baton --dry-run      # count keys by kind, delete nothing
  baton queue clean --prefix baton --key relay    # one workflow key only`;

/** One line of the census table: what kind of key, how many, how many without a TTL, what clean does. */
type Row = [kind: string, keys: string, noTtl: string, what: string];

/** The census as a table: keys per kind, how many have no TTL, and what clean does with them. */
export function formatCensus(census: KeyCensus, failed: boolean): string[] {
  const removed = new Set(removedKinds(failed));
  const action = (kind: KeyKind): string =>
    removed.has(kind)
      ? 'remove'
      : kind === "not Baton's"
        ? 'never touched'
        : kind === 'failed job' || kind === 'private states'
          ? 'keep (--failed removes)'
          : 'keep';
  const rows = KEY_KINDS.map((kind): Row => {
    const tally = census.kinds.get(kind);
    return [kind, String(tally?.keys.length ?? 0), String(tally?.withoutTtl ?? 0), action(kind)];
  });
  const header: Row = ['kind', 'keys', 'no TTL', ''];
  const lines = [header, ...rows].map(([kind, keys, noTtl, what]) =>
    `  ${kind.padEnd(17)} ${keys.padStart(7)} ${noTtl.padStart(7)}  ${what}`.trimEnd(),
  );
  const queues = `${census.queues.length} queue${census.queues.length === 1 ? '' : 's'}`;
  return [`workflow keys: ${census.workflowKeys.join(', ') || '(none)'} (${queues})`, ...lines];
}

const total = (census: KeyCensus, kinds: readonly KeyKind[]): number =>
  kinds.reduce((n, kind) => n + (census.kinds.get(kind)?.keys.length ?? 0), 0);

/** `baton queue clean`: remove (or with --dry-run, count) what finished episodes left in Redis under a prefix. */
export function register(program: Command): void {
  topCommand(program, 'queue')
    .command('clean')
    .description("remove what finished episodes left in Redis under a prefix (never heads, queues or keys that are not Baton's)")
    .option('--prefix <prefix>', 'Redis key prefix of the runtime and its workers', 'baton')
    .option('--key <name>', 'only this workflow key (default: every one under the prefix)')
    .option('--redis <url>', 'Redis URL (default: REDIS_URL, else redis://127.0.0.1:6379)')
    .option('--failed', 'also remove failed jobs, their effect markers and the private states of episodes that never ended')
    .option('--dry-run', 'print what would be removed, by key kind; remove nothing')
    .addHelpText('after', HELP)
    .action(async (flags: CleanFlags) => {
      checkKeyName(flags.prefix, '--prefix', 'prefix');
      if (flags.key !== undefined) checkKeyName(flags.key, '--key', 'workflowKey');
      const url = flags.redis ?? redisUrl();
      const redis = await connectChecked(url);
      try {
        const failed = flags.failed === true;
        const options = { prefix: flags.prefix, failed, dryRun: flags.dryRun === true };
        const { before, after } = await cleanFinishedKeys(
          redis,
          flags.key === undefined ? options : { ...options, workflowKey: flags.key },
        );
        const where = `${redactRedisUrl(url)}, prefix ${flags.prefix}`;
        const doomed = removedKinds(failed);
        console.log(`${flags.dryRun ? 'dry run' : 'clean'} of ${where}`);
        for (const line of formatCensus(before, failed)) console.log(line);
        if (flags.dryRun) console.log(`would remove ${total(before, doomed)} keys; removed nothing`);
        else console.log(`removed ${total(before, doomed) - total(after, doomed)} keys; ${total(after, doomed)} of those kinds left`);
        if (before.inFlight.length > 0) console.log(`in flight: ${before.inFlight.join('; ')} (clean refuses until they are done)`);
      } finally {
        redis.disconnect();
      }
    });
}
