import { addFairnessPanels } from './_fairness-dashboard';
import { addFeedbackPanels } from './_feedback-dashboard';
import { DataHealthOptions } from './quality-options';
import { GrafanaDashboard } from '../../dashboards/grafana-dashboard';
import { Panel, PanelUnit } from '../../dashboards/panel';
import { FairnessSettings } from '../alerts/_fairness-alerts';
import { FeedbackSettings } from '../alerts/_feedback-alerts';
import { DataHealthSettings, PerformanceSettings } from '../alerts/_quality-alerts';
import { ClassSource, QualitySignals, VersionSource } from '../signals/_quality-signals';
import { Series } from '../signals/_series';

/** What the quality dashboard shows, resolved by the construct. @internal */
export interface QualityPanels {
  /** Each distribution's recorded KS distance. */
  readonly distributions: ReadonlyArray<{ readonly name: string; readonly distance: Series }>;
  /** Each class stream's recorded shares. */
  readonly classes: ReadonlyArray<{ readonly source: ClassSource; readonly share: Series }>;
  /** The detector alert's configured name, when detectors are given. */
  readonly driftAlertName?: string;
  readonly performance?: PerformanceSettings;
  readonly dataHealth?: { readonly options: DataHealthOptions; readonly settings: DataHealthSettings };
  readonly versions?: VersionSource;
  readonly fairness: ReadonlyArray<FairnessSettings>;
  readonly feedback?: FeedbackSettings;
}

/** Fills the model-quality dashboard from the quality signal catalog. @internal */
export function addQualityPanels(d: GrafanaDashboard, s: QualitySignals, p: QualityPanels): void {
  if (p.distributions.length || p.classes.length) {
    d.addRow('Drift');
    if (p.distributions.length) {
      d.addPanel(Panel.timeseries({
        title: 'Distribution drift (KS distance)',
        unit: PanelUnit.SHORT,
        min: 0,
        max: 1,
        queries: p.distributions.map(x => ({ expr: x.distance.select(), legend: x.name })),
      }));
    }
    if (p.classes.length) {
      d.addPanel(Panel.timeseries({
        title: 'Predicted class shares',
        unit: PanelUnit.PERCENT_UNIT,
        stacked: true,
        queries: p.classes.map(x => ({ expr: x.share.select(), legend: `${x.source.name} {{${x.source.classLabel}}}` })),
      }));
    }
  }
  if (p.driftAlertName) {
    d.addRow('Drift detectors');
    d.addPanel(Panel.timeseries({
      title: 'Drift alerts firing',
      width: 24,
      queries: [{ expr: `sum by (detector, drift_check) (ALERTS{alertname=${JSON.stringify(p.driftAlertName)},alertstate="firing",model=${JSON.stringify(s.modelName)}})`, legend: '{{detector}} {{drift_check}}' }],
    }));
  }
  if (p.performance) {
    d.addRow('Performance');
    const c = p.performance.confusion;
    const series = c ? [p.performance.accuracy, s.precision(c), s.recall(c), s.f1(c)] : [p.performance.accuracy];
    d.addPanel(Panel.timeseries({
      title: c ? 'Accuracy, precision, recall, F1' : 'Accuracy',
      unit: PanelUnit.PERCENT_UNIT,
      min: 0,
      max: 1,
      width: 24,
      thresholds: p.performance.accuracyLowEnabled ? [{ value: 0, color: 'red' }, { value: p.performance.minAccuracy, color: 'green' }] : undefined,
      queries: series.map(x => ({ expr: x.select(), legend: x.record.split(':')[1] })),
    }));
  }
  const dh = p.dataHealth;
  if (dh && (dh.options.predictionsCounter || dh.options.missingValues || dh.options.evaluationLastSuccess)) {
    d.addRow('Data');
    const m = dh.settings.matchers;
    if (dh.options.predictionsCounter) {
      d.addPanel(Panel.timeseries({
        title: 'Predictions per second',
        unit: PanelUnit.OPS_PER_SECOND,
        queries: [
          { expr: s.rawRate(dh.options.predictionsCounter, m, '$__rate_interval'), legend: 'now' },
          { expr: s.rawRate(dh.options.predictionsCounter, m, '$__rate_interval', undefined, '1d'), legend: 'a day earlier' },
        ],
      }));
    }
    if (dh.options.missingValues) {
      const f = dh.settings.missingFeatureLabel!;
      const mv = dh.options.missingValues;
      d.addPanel(Panel.timeseries({
        title: 'Missing values per feature',
        unit: PanelUnit.PERCENT_UNIT,
        queries: [{ expr: `${s.rawRate(mv.counter, m, '$__rate_interval', f)} / ignoring (${f}) group_left () (${s.rawRate(mv.total, m, '$__rate_interval')} > 0)`, legend: `{{${f}}}` }],
      }));
    }
    if (dh.options.evaluationLastSuccess) {
      d.addPanel(Panel.stat({
        title: 'Since last successful evaluation',
        unit: PanelUnit.SECONDS,
        queries: [{ expr: `time() - max(${s.rawGauge(dh.options.evaluationLastSuccess, m)})` }],
      }));
    }
  }
  if (p.versions) addVersionPanels(d, s, p.versions);
  addFairnessPanels(d, p.fairness);
  if (p.feedback) addFeedbackPanels(d, p.feedback);
}

/** Traffic by version, and for canaries the error ratio and p95 latency of each version side by side. */
function addVersionPanels(d: GrafanaDashboard, s: QualitySignals, v: VersionSource): void {
  const legend = `{{${v.modelLabel}}} {{${v.versionLabel}}}`;
  const by = `namespace, ${v.modelLabel}, ${v.versionLabel}`;
  d.addRow('Versions');
  d.addPanel(Panel.timeseries({
    title: 'Traffic by model version',
    unit: PanelUnit.REQUESTS_PER_SECOND,
    stacked: true,
    width: 24,
    queries: [{ expr: s.servingByVersion(v, '$__rate_interval'), legend }],
  }));
  if (v.errors) {
    d.addPanel(Panel.timeseries({
      title: 'Error ratio by version (canary vs stable)',
      unit: PanelUnit.PERCENT_UNIT,
      queries: [{ expr: `${s.rawRate(v.counter, [...v.matchers, ...v.errors], '$__rate_interval', by)} / (${s.rawRate(v.counter, v.matchers, '$__rate_interval', by)} > 0)`, legend }],
    }));
  }
  if (v.latencyHistogram) {
    d.addPanel(Panel.timeseries({
      title: 'p95 latency by version (canary vs stable)',
      unit: PanelUnit.SECONDS,
      queries: [{ expr: `histogram_quantile(0.95, ${s.rawRate(`${v.latencyHistogram}_bucket`, v.matchers, '$__rate_interval', `${by}, le`)})`, legend }],
    }));
  }
}
