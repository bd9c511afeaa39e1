import { invalidProp } from '../common/_errors';
import { formatNumber } from '../common/_number';

/** A service-level objective: the share of good events promised, e.g. 99.9 %. */
export class Objective {
  /**
   * An objective in percent.
   * @param percent strictly between 0 and 100, e.g. `99.9`
   */
  public static percent(percent: number): Objective {
    if (typeof percent !== 'number' || !Number.isFinite(percent) || percent <= 0 || percent >= 100) {
      throw invalidProp('Objective.percent', 'percent', percent, 'a percentage strictly between 0 and 100, e.g. 99.9');
    }
    return new Objective(percent);
  }

  /** The objective in percent. */
  public readonly percentage: number;
  /** The error budget: the share of events allowed to be bad (0.001 for 99.9 %), without float noise. */
  public readonly errorBudget: number;

  private constructor(percent: number) {
    this.percentage = percent;
    this.errorBudget = Number(formatNumber((100 - percent) / 100));
  }

  /** `99.9`. */
  public toString(): string {
    return formatNumber(this.percentage);
  }
}
