import { invalidProp } from './_errors';
import { formatNumber } from './_number';

/**
 * A share of a whole, between 0 and 1 inclusive: an error-ratio threshold, a share of a memory limit,
 * a cache fill level. Given as a percent or as a fraction; PromQL always sees the fraction.
 */
export class Ratio {
  /**
   * A ratio given in percent.
   * @param percent 0 to 100, e.g. `5` for 5 %
   */
  public static percent(percent: number): Ratio {
    if (typeof percent !== 'number' || !Number.isFinite(percent) || percent < 0 || percent > 100) {
      throw invalidProp('Ratio.percent', 'percent', percent, 'a number from 0 to 100, e.g. 5 for 5 %');
    }
    return new Ratio(percent / 100);
  }

  /**
   * A ratio given as a fraction.
   * @param fraction 0 to 1, e.g. `0.05` for 5 %
   */
  public static of(fraction: number): Ratio {
    if (typeof fraction !== 'number' || !Number.isFinite(fraction) || fraction < 0 || fraction > 1) {
      throw invalidProp('Ratio.of', 'fraction', fraction, 'a number from 0 to 1, e.g. 0.05 for 5 %');
    }
    return new Ratio(fraction);
  }

  /** The ratio as a fraction from 0 to 1. */
  public readonly fraction: number;

  private constructor(fraction: number) {
    this.fraction = fraction;
  }

  /** The ratio in percent, from 0 to 100. */
  public get percentage(): number {
    return Number(formatNumber(this.fraction * 100));
  }

  /** The fraction as written in PromQL, without floating-point noise (`0.05`). */
  public toString(): string {
    return formatNumber(this.fraction);
  }
}
