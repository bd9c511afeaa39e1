import { invalidProp } from './_errors';

const SEVERITY = /^[a-z][a-z0-9_-]{0,31}$/;

/**
 * The severity of an alert, written to its `severity` label. Alertmanager routes and inhibits on it.
 */
export class Severity {
  /** Someone must act now: pages the on-call. */
  public static readonly CRITICAL = new Severity('critical');
  /** Needs attention during working hours: a ticket or a team channel. */
  public static readonly WARNING = new Severity('warning');
  /** For context only; normally routed nowhere and used to inhibit or annotate. */
  public static readonly INFO = new Severity('info');

  /**
   * A severity of your own naming, e.g. `page` or `ticket`.
   * @param name lower-case letters, digits, "-" and "_", starting with a letter, at most 32 characters
   */
  public static custom(name: string): Severity {
    if (typeof name !== 'string' || !SEVERITY.test(name)) {
      throw invalidProp('Severity.custom', 'name', name, 'lower-case letters, digits, "-" and "_", starting with a letter, at most 32 characters');
    }
    return new Severity(name);
  }

  /** The value of the `severity` label. */
  public readonly name: string;

  private constructor(name: string) {
    this.name = name;
  }

  /** The value of the `severity` label. */
  public toString(): string {
    return this.name;
  }
}
