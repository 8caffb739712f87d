import type { BatonError } from '@baton/core';

/** Where a worker or the driver reports what went wrong outside any caller's await: typed, with what it was doing. */
export type ErrorReporter = (error: BatonError, context?: Readonly<Record<string, unknown>>) => void;

/**
 * The default reporter: one line on stderr per error, naming who reports, the code and the message. A connection that
 * keeps failing (Redis restarting) repeats the same error many times a second, so a repeat within `quietMs` is
 * counted and summarised with the next line instead of printed.
 */
export function reportError(who: string, quietMs = 5000): ErrorReporter {
  const last = new Map<string, { at: number; repeats: number }>();
  return (error, context) => {
    const key = `${error.code}:${error.message}`;
    const now = Date.now();
    const seen = last.get(key);
    if (seen && now - seen.at < quietMs) {
      seen.repeats += 1;
      return;
    }
    if (last.size > 100) last.clear();
    last.set(key, { at: now, repeats: 0 });
    const repeats = seen?.repeats ? ` (${seen.repeats} more like it since)` : '';
    const where = context && Object.keys(context).length > 0 ? ` ${JSON.stringify(context)}` : '';
    console.error(`${who}: ${error.code}: ${error.message}${where}${repeats}`);
  };
}
