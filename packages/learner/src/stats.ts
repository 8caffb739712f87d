/** Two-sided 95% Student-t critical values by degrees of freedom (1..30); 1.96 beyond. */
const T95 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093, 2.086,
  2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];

export function mean(xs: readonly number[]): number {
  return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : Number.NaN;
}

/** The two-sided 95% Student-t critical value for `df` degrees of freedom (df >= 1). */
export function t95(df: number): number {
  return T95[df - 1] ?? 1.96;
}

function variance(xs: readonly number[]): number {
  const m = mean(xs);
  return xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1);
}

/** Half-width of the 95% confidence interval of the mean (Student t); 0 for fewer than two samples. */
export function ci95(xs: readonly number[]): number {
  if (xs.length < 2) return 0;
  return t95(xs.length - 1) * Math.sqrt(variance(xs) / xs.length);
}

/**
 * Half-width of the 95% CI of mean(a) - mean(b) for independent samples (Welch's standard error, with the
 * conservative min(n_a, n_b) - 1 degrees of freedom); 0 when either sample has fewer than two values.
 */
export function differenceCi95(a: readonly number[], b: readonly number[]): number {
  if (a.length < 2 || b.length < 2) return 0;
  return t95(Math.min(a.length, b.length) - 1) * Math.sqrt(variance(a) / a.length + variance(b) / b.length);
}

export function median(xs: readonly number[]): number {
  if (!xs.length) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}
