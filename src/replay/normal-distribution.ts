/**
 * The standard normal distribution, as the replay's fits and likelihoods need it: log density,
 * log survival (stable far into the tail) and the inverse Mills ratio used for censored samples.
 */

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

/** log φ(z). */
export function normalLogPdf(z: number): number {
  return -0.5 * z * z - LOG_SQRT_2PI;
}

/** log of erfc(x) for x ≥ 0 (Numerical Recipes' erfcc, relative error below 1.2e-7). */
function logErfc(x: number): number {
  const t = 1 / (1 + 0.5 * x);
  const poly =
    -x * x -
    1.26551223 +
    t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  return Math.log(t) + poly;
}

/** log P(Z > z): the log survival function, finite even for z = 40. */
export function normalLogSurvival(z: number): number {
  if (z >= 0) return Math.log(0.5) + logErfc(z / Math.SQRT2);
  return Math.log(1 - 0.5 * Math.exp(logErfc(-z / Math.SQRT2)));
}

/** Φ(z) = P(Z ≤ z). */
export function normalCdf(z: number): number {
  return 1 - Math.exp(normalLogSurvival(z));
}

/** φ(z) / (1 − Φ(z)): the mean of Z above z is this ratio. */
export function inverseMillsRatio(z: number): number {
  return Math.exp(normalLogPdf(z) - normalLogSurvival(z));
}
