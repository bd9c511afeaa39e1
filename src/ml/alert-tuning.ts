import { Duration } from 'cdk8s';
import { Severity } from '../common/severity';

/**
 * What every alert of the library's monitoring constructs can tune: `MlInferenceMonitoring`,
 * `ModelQualityMonitoring` and the tiers of `SloAlert` alike.
 */
export interface AlertTuning {
  /**
   * Whether the alert is emitted.
   * @default true
   */
  readonly enabled?: boolean;
  /**
   * The alert's name (the `alertname` label), e.g. `MLInferenceHighLatency` to match existing runbooks.
   * @default - the alert's own name (see each alert)
   */
  readonly alertName?: string;
  /**
   * How long the condition must hold before the alert fires (Prometheus' `for`).
   * @default - the alert's own default (see each alert)
   */
  readonly pendingFor?: Duration;
  /**
   * The severity.
   * @default - the alert's own default (see each alert)
   */
  readonly severity?: Severity;
  /**
   * Extra labels on this alert, for routing.
   * @default - none
   */
  readonly labels?: { [key: string]: string };
}
