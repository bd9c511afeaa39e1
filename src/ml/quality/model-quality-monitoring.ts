import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { addClassDrift, addDataHealth, addDetectorAlerts, addHistogramDrift, addPerformance, addVersions, QUALITY_RECORD, QualityContext } from './_quality-rules';
import { DriftDetector } from './drift-detector';
import { ModelPerformance } from './model-performance';
import { ClassDriftOptions, DataHealthOptions, HistogramDriftOptions, ModelVersionOptions, PerformanceAlertOptions } from './quality-options';
import { promDuration } from '../../common/_duration';
import { invalidProp } from '../../common/_errors';
import { validateLabelValue, validateMetricName, validateNamespace, validatePromLabelName, validatePromLabels, validateUrl } from '../../common/_names';
import { LabelMatcher, selector, validatedEqualityMatchers } from '../../common/_promql';
import { GrafanaDashboard } from '../../dashboards/grafana-dashboard';
import { Panel, PanelUnit } from '../../dashboards/panel';
import { PrometheusRules } from '../../rules/prometheus-rules';
import { placement } from '../../stack/_placement';
import { IMonitoringStack } from '../../stack/i-monitoring-stack';
import { DEFAULT_RUNBOOK_BASE_URL } from '../ml-inference-monitoring';

/** Traffic by version, and for canaries the error ratio and p95 latency of each version side by side. */
function addVersionPanels(d: GrafanaDashboard, v: ModelVersionOptions, serving: string, where: string): void {
  const legend = `{{${v.modelLabel}}} {{${v.versionLabel}}}`;
  const by = `namespace, ${v.modelLabel}, ${v.versionLabel}`;
  const base = validatedEqualityMatchers(`${where} versions`, 'matchers', v.matchers);
  d.addRow('Versions');
  d.addPanel(Panel.timeseries({
    title: 'Traffic by model version',
    unit: PanelUnit.REQUESTS_PER_SECOND,
    stacked: true,
    width: 24,
    queries: [{ expr: serving.replace('[5m]', '[$__rate_interval]').replace(/ > 0$/, ''), legend }],
  }));
  if (v.errorLabelMatchers) {
    const errs: LabelMatcher[] = Object.keys(v.errorLabelMatchers).sort().map(k => {
      validatePromLabelName(`${where} versions`, 'errorLabelMatchers key', k);
      return { name: k, op: '=~', value: v.errorLabelMatchers![k] };
    });
    const rate = (m: LabelMatcher[]) => `sum by (${by}) (rate(${selector(v.requestsCounter, m)}[$__rate_interval]))`;
    d.addPanel(Panel.timeseries({
      title: 'Error ratio by version (canary vs stable)',
      unit: PanelUnit.PERCENT_UNIT,
      queries: [{ expr: `${rate([...base, ...errs])} / (${rate(base)} > 0)`, legend }],
    }));
  }
  if (v.latencyHistogram) {
    validateMetricName(`${where} versions`, 'latencyHistogram', v.latencyHistogram);
    const buckets = selector(`${v.latencyHistogram}_bucket`, base);
    d.addPanel(Panel.timeseries({
      title: 'p95 latency by version (canary vs stable)',
      unit: PanelUnit.SECONDS,
      queries: [{ expr: `histogram_quantile(0.95, sum by (${by}, le) (rate(${buckets}[$__rate_interval])))`, legend }],
    }));
  }
}

/** Props of `ModelQualityMonitoring`. */
export interface ModelQualityMonitoringProps {
  /** The model's name: the `model` label of every quality alert and series. */
  readonly modelName: string;
  /**
   * Drift detectors that publish gauges.
   * @default - none
   */
  readonly driftDetectors?: DriftDetector[];
  /**
   * How long a detector's drift must persist before its alert fires.
   * @default Duration.minutes(15)
   */
  readonly driftFor?: Duration;
  /**
   * Distribution drift computed in PromQL from histograms (Kolmogorov–Smirnov distance).
   * @default - none
   */
  readonly histogramDrift?: HistogramDriftOptions[];
  /**
   * Shifts in the share of predicted classes.
   * @default - none
   */
  readonly classDrift?: ClassDriftOptions[];
  /**
   * Model performance against ground truth.
   * @default - no performance alerts
   */
  readonly performance?: ModelPerformance;
  /**
   * Thresholds of the performance alerts.
   * @default - accuracy floor 80 %, relative drop 10 % against the trailing 7 days
   */
  readonly performanceAlerts?: PerformanceAlertOptions;
  /**
   * Data health: predictions stopped, missing feature values, stale evaluation.
   * @default - none
   */
  readonly dataHealth?: DataHealthOptions;
  /**
   * Model versions serving at once.
   * @default - none
   */
  readonly versions?: ModelVersionOptions;
  /**
   * The namespace of the PrometheusRule and dashboard.
   * @default - the chart's namespace
   */
  readonly namespace?: string;
  /**
   * The monitoring stack whose Prometheus selects these rules and whose Grafana loads the dashboard.
   * @default - none: give `selectorLabels` (and dashboard labels) that your Prometheus and Grafana select
   */
  readonly stack?: IMonitoringStack;
  /**
   * Labels on the PrometheusRule that make the Prometheus select it (added to the stack's).
   * @default - none
   */
  readonly selectorLabels?: { [key: string]: string };
  /**
   * Extra labels on every alert (each also carries `model` and `ml_signal`: drift, performance, data or version).
   * @default - none
   */
  readonly alertLabels?: { [key: string]: string };
  /**
   * The base URL of the runbooks.
   * @default DEFAULT_RUNBOOK_BASE_URL
   */
  readonly runbookBaseUrl?: string;
  /**
   * Emit the model-quality dashboard.
   * @default true
   */
  readonly dashboard?: boolean;
}

/**
 * Model-quality monitoring: drift from detectors or computed in PromQL, accuracy against ground truth,
 * data health and model versions, as alerts labelled for routing (`ml_signal`) and a dashboard.
 */
export class ModelQualityMonitoring extends Construct {
  /** The PrometheusRule with the quality rules. */
  public readonly rules: PrometheusRules;
  /** The names of the alerts emitted. */
  public readonly alertNames: string[] = [];
  /** The dashboard, unless disabled. */
  public readonly dashboard?: GrafanaDashboard;

  constructor(scope: Construct, id: string, props: ModelQualityMonitoringProps) {
    super(scope, id);
    const where = this.node.path;
    const model = props.modelName;
    if (typeof model !== 'string' || model === '') throw invalidProp(where, 'modelName', model, 'a non-empty model name');
    validateLabelValue(where, 'modelName', model);
    const signals = (props.driftDetectors?.length ?? 0) + (props.histogramDrift?.length ?? 0) + (props.classDrift?.length ?? 0) +
      (props.performance ? 1 : 0) + (props.dataHealth ? 1 : 0) + (props.versions ? 1 : 0);
    if (signals === 0) {
      throw invalidProp(where, 'props', 'no signal', 'at least one of driftDetectors, histogramDrift, classDrift, performance, dataHealth or versions');
    }
    const alertLabels = validatePromLabels(where, 'alertLabels', props.alertLabels);
    for (const reserved of ['model', 'ml_signal', 'severity']) {
      if (reserved in alertLabels) throw invalidProp(where, 'alertLabels', reserved, 'labels other than model, ml_signal and severity, which the alerts set');
    }
    const namespace = props.namespace !== undefined ? validateNamespace(where, 'namespace', props.namespace) : undefined;
    const place = placement(where, props.stack, props.selectorLabels);
    this.rules = new PrometheusRules(this, 'Rules', {
      name: `${model.toLowerCase().replace(/[^a-z0-9.-]/g, '-')}-quality`.replace(/^[^a-z0-9]+/, ''),
      namespace,
      labels: place.selectorLabels,
    });
    const group = this.rules.addGroup(`ml-quality.${model}`);
    const c: QualityContext = {
      where,
      group,
      model,
      alertLabels,
      alertNames: this.alertNames,
      runbookBaseUrl: validateUrl(where, 'runbookBaseUrl', props.runbookBaseUrl ?? DEFAULT_RUNBOOK_BASE_URL),
    };
    addDetectorAlerts(c, props.driftDetectors ?? [], props.driftFor ?? Duration.minutes(15));
    if (props.driftFor) promDuration(props.driftFor, where, 'driftFor');
    for (const h of props.histogramDrift ?? []) addHistogramDrift(c, h);
    for (const k of props.classDrift ?? []) addClassDrift(c, k);
    if (props.performance) addPerformance(c, props.performance, props.performanceAlerts ?? {});
    if (props.dataHealth) addDataHealth(c, props.dataHealth);
    const serving = props.versions ? addVersions(c, props.versions) : undefined;

    if (props.dashboard ?? true) {
      const d = new GrafanaDashboard(this, 'Dashboard', {
        title: `Model quality: ${model}`,
        uid: `ml-quality-${model}`.toLowerCase().replace(/[^a-z0-9_-]/g, '-').slice(0, 40),
        tags: ['ml-monitoring', 'model-quality'],
        namespace: place.dashboardNamespace ?? namespace,
        sidecarLabels: place.dashboardLabels,
        configMapName: this.rules.resource.name.replace(/-quality$/, '-quality-dashboard'),
        timeRange: Duration.days(7),
      });
      const m = `model="${model}"`;
      if (props.histogramDrift?.length || props.classDrift?.length) {
        d.addRow('Drift');
        if (props.histogramDrift?.length) {
          d.addPanel(Panel.timeseries({
            title: 'Distribution drift (KS distance)',
            unit: PanelUnit.SHORT,
            min: 0,
            max: 1,
            queries: [{ expr: `${QUALITY_RECORD.ks}{distribution=~"${props.histogramDrift.map(h => h.name).join('|')}"}`, legend: '{{distribution}}' }],
          }));
        }
        if (props.classDrift?.length) {
          d.addPanel(Panel.timeseries({
            title: 'Predicted class shares',
            unit: PanelUnit.PERCENT_UNIT,
            stacked: true,
            queries: [{ expr: `${QUALITY_RECORD.classShare}{distribution=~"${props.classDrift.map(k => k.name).join('|')}"}`, legend: '{{distribution}} {{class}}' }],
          }));
        }
      }
      if (props.driftDetectors?.length) {
        d.addRow('Drift detectors');
        d.addPanel(Panel.timeseries({
          title: 'Drift alerts firing',
          width: 24,
          queries: [{ expr: `sum by (detector, drift_check) (ALERTS{alertname="ModelDataDrift",alertstate="firing",${m}})`, legend: '{{detector}} {{drift_check}}' }],
        }));
      }
      if (props.performance) {
        d.addRow('Performance');
        d.addPanel(Panel.timeseries({
          title: 'Accuracy, precision, recall, F1',
          unit: PanelUnit.PERCENT_UNIT,
          min: 0,
          max: 1,
          width: 24,
          thresholds: [{ value: 0, color: 'red' }, { value: Number((props.performanceAlerts?.minAccuracy?.fraction ?? 0.8)), color: 'green' }],
          queries: [QUALITY_RECORD.accuracy, QUALITY_RECORD.precision, QUALITY_RECORD.recall, QUALITY_RECORD.f1]
            .map(r => ({ expr: `${r}{${m}}`, legend: r.split(':')[1] })),
        }));
      }
      if (props.dataHealth?.predictionsCounter || props.dataHealth?.missingValues || props.dataHealth?.evaluationLastSuccess) {
        d.addRow('Data');
        const dh = props.dataHealth;
        if (dh.predictionsCounter) {
          d.addPanel(Panel.timeseries({
            title: 'Predictions per second',
            unit: PanelUnit.OPS_PER_SECOND,
            queries: [{ expr: `sum(rate(${dh.predictionsCounter}[$__rate_interval]))`, legend: 'now' }, { expr: `sum(rate(${dh.predictionsCounter}[$__rate_interval] offset 1d))`, legend: 'a day earlier' }],
          }));
        }
        if (dh.missingValues) {
          const f = dh.missingValues.featureLabel ?? 'feature';
          d.addPanel(Panel.timeseries({
            title: 'Missing values per feature',
            unit: PanelUnit.PERCENT_UNIT,
            queries: [{ expr: `sum by (${f}) (rate(${dh.missingValues.counter}[$__rate_interval])) / ignoring (${f}) group_left () (sum(rate(${dh.missingValues.total}[$__rate_interval])) > 0)`, legend: `{{${f}}}` }],
          }));
        }
        if (dh.evaluationLastSuccess) {
          d.addPanel(Panel.stat({
            title: 'Since last successful evaluation',
            unit: PanelUnit.SECONDS,
            queries: [{ expr: `time() - max(${dh.evaluationLastSuccess})` }],
          }));
        }
      }
      if (props.versions && serving) {
        addVersionPanels(d, props.versions, serving, where);
      }
      this.dashboard = d;
      place.stack?.addDashboard(d);
    }
  }
}
