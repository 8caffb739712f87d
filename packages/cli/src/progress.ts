import cliProgress from 'cli-progress';

export interface Progress {
  update(done: number, total: number, label: string): void;
  stop(): void;
}

/**
 * A progress bar on stderr (figures stay clean on stdout). Shown when stderr is a terminal, or when forced with
 * `--progress`; `--no-progress` hides it.
 */
export function createProgress(title: string, enabled = Boolean(process.stderr.isTTY)): Progress {
  if (!enabled) return { update: () => undefined, stop: () => undefined };
  const bar = new cliProgress.SingleBar(
    {
      format: `${title} [{bar}] {percentage}% | ETA {eta_formatted} | {label}`,
      stream: process.stderr,
      hideCursor: true,
      etaBuffer: 200,
      fps: 5,
      noTTYOutput: !process.stderr.isTTY,
      notTTYSchedule: 5000,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(done, total, label) {
      if (!started) {
        bar.start(total, 0, { label });
        started = true;
      }
      bar.setTotal(total);
      bar.update(done, { label });
    },
    stop: () => (started ? bar.stop() : undefined),
  };
}
