import cliProgress from 'cli-progress';

export interface Progress {
  /** `done` of `total` units so far; `label` says what is running now. */
  update(done: number, total: number, label?: string): void;
  /** The work finished: draws the bar full (100 %, ETA 0s) and releases the line. */
  stop(): void;
}

export interface ProgressOptions {
  /** Where the bar goes; default stderr, so figures on stdout stay clean. */
  readonly stream?: NodeJS.WriteStream;
  /** How a unit reads in the bar (`bytes` shows MB); default plain counts. */
  readonly units?: 'count' | 'bytes';
}

/**
 * Seconds as `42s`, `2m05s` or `1h03m`, rounded once, to whole seconds, before splitting (rounding the seconds part
 * alone is what prints `2m60s`). Unknown (nothing done yet) or absurd values read `--`.
 */
export function formatEta(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0 || seconds > 99 * 3600) return '--';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

const amount = (n: number, units: ProgressOptions['units']): string => (units === 'bytes' ? `${(n / 1e6).toFixed(0)} MB` : String(n));

/** Whether stderr is a terminal: `isTTY` is typed boolean, but a pipe or a file has none. */
export const stderrIsTTY = (): boolean => (process.stderr.isTTY as boolean | undefined) === true;

/**
 * The one progress bar of the CLI, on stderr. Shown when stderr is a terminal, or when forced with `--progress`
 * (then a line every 5 s where there is no terminal); `--no-progress` hides it. The ETA is cli-progress's estimate
 * over the recent updates, printed by `formatEta`; `stop` after the work always shows it reached 100 %.
 */
export function createProgress(title: string, enabled = stderrIsTTY(), options: ProgressOptions = {}): Progress {
  if (!enabled) return { update: () => undefined, stop: () => undefined };
  const stream = options.stream ?? process.stderr;
  const format = (opts: cliProgress.Options, params: cliProgress.Params, payload: { label?: string }): string => {
    const share = params.total > 0 ? Math.min(1, params.value / params.total) : 0;
    const width = opts.barsize ?? 30;
    const filled = Math.round(share * width);
    const bar = `${'\u2588'.repeat(filled)}${'\u2591'.repeat(width - filled)}`;
    const eta = params.value >= params.total ? '0s' : params.value === 0 ? '--' : formatEta(params.eta);
    const counts = `${amount(params.value, options.units)}/${amount(params.total, options.units)}`;
    return `${title} [${bar}] ${Math.floor(share * 100)}% ${counts} | ETA ${eta}${payload.label ? ` | ${payload.label}` : ''}`;
  };
  const bar = new cliProgress.SingleBar({
    format,
    stream,
    etaBuffer: 200,
    fps: 5,
    noTTYOutput: !stream.isTTY,
    notTTYSchedule: 5000,
  });
  let started = false;
  let total = 0;
  let label = '';
  return {
    update(done, newTotal, newLabel) {
      total = newTotal;
      if (newLabel !== undefined) label = newLabel;
      if (!started) {
        bar.start(total, 0, { label });
        started = true;
      }
      bar.setTotal(total);
      bar.update(Math.min(done, total), { label });
    },
    stop() {
      if (!started) return;
      bar.update(total, { label });
      bar.stop();
    },
  };
}
