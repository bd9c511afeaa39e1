import { Chart, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { AlertCommon, ResolvedAlert } from './alerts/_alert-settings';
import { addSloBlindSpots } from './alerts/_blind-spot-alerts';
import { SliSignals } from './signals/_sli-signals';
import { Sli } from './sli';
import { SloMonitoringAlerts } from './slo-alert';
import { toMillis } from '../common/_duration';
import { invalidProp } from '../common/_errors';
import { PrometheusRules } from '../rules/prometheus-rules';
import { RulePlacement } from '../rules/rule-options';

/** The SLI's blind-spot alerts' settings and labels, from the first SLO on it. @internal */
export interface SliMonitoring {
  readonly alerts: SloMonitoringAlerts;
  readonly common: AlertCommon;
}

/**
 * The recording rules of one SLI, emitted once per chart however many SLOs use it.
 * @internal
 */
export class SliRecording extends Construct {
  /** The recording for `sli` in the chart of `scope`, made on first use. */
  public static of(scope: Construct, sli: Sli, namespace: string | undefined, labels: { [k: string]: string },
    interval: Duration, where: string, monitoring: SliMonitoring, placement?: RulePlacement): SliRecording {
    const chart = Chart.of(scope);
    const id = `SLI-${sli.name}`;
    const found = chart.node.tryFindChild(id);
    if (found instanceof SliRecording) {
      if (found.key !== sli._key) {
        throw invalidProp(where, 'sli', sli.name, 'an SLI name used by one definition only (another SLI with this name counts other events)');
      }
      return found;
    }
    return new SliRecording(chart, id, sli, namespace, labels, interval, where, monitoring, placement);
  }

  public readonly key: string;
  public readonly rules: PrometheusRules;
  /** The SLI's signal catalog: every SLO on the SLI reads its windows from here. */
  public readonly signals: SliSignals;
  /** `SloSliBucketMissing` as resolved, when written (a latency SLI). */
  public readonly bucketMissing?: ResolvedAlert;
  /** `SloEventsStopped` as resolved, when written. */
  public readonly eventsStopped?: ResolvedAlert;
  private constructor(scope: Construct, id: string, sli: Sli, namespace: string | undefined, labels: { [k: string]: string }, interval: Duration,
    where: string, monitoring: SliMonitoring, placement: RulePlacement | undefined) {
    super(scope, id);
    this.key = sli._key;
    this.rules = new PrometheusRules(this, 'Rules', { name: `sli-${sli.name}`.slice(0, 253), namespace, labels, placement });
    const fast = this.rules.addGroup(`sli.${sli.name}`, { interval });
    fast._keepRecordingRulesFirst();
    this.signals = new SliSignals(sli, fast, toMillis(interval, where, 'evaluationInterval'));
    // Every SLO reads the 5m rates, the tiles and the windows' head: record them in dependency order now, so
    // the SLI's object is the same whichever SLO asks first.
    this.signals.rates();
    this.signals.tiles();
    this.signals.head();
    // The SLI's blind spots: its events stopping, its latency bucket missing.
    const blindSpots = addSloBlindSpots(where, fast, this.signals, monitoring.alerts, monitoring.common);
    this.bucketMissing = blindSpots.bucketMissing;
    this.eventsStopped = blindSpots.eventsStopped;
  }
}
