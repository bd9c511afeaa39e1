import { gauge, SeriesSet } from './_input-series';
import { by, Labels, matching, phase, QualityScenario, scraped, without } from './_quality-scenario';
import { ratioAbove } from './_test-case';
import { formatNumber } from '../common/_number';
import { ALIBI_DETECT, EVIDENTLY, MLRUN } from '../ml/quality/_detector-exports';
import { DetectorSpec } from '../ml/quality/_quality-spec';

/*
 * Scenarios of a drift detector's alerts, on the series its exporter writes (names and labels from
 * _detector-exports, which cites the exporter's source): a detector that reports drift on one feature fires
 * every condition the detector was configured with, for that feature (or for the detector, where the exporter
 * reports drift as one scalar); a detector just short of every threshold fires none.
 */

/** The static labels of the rule of one condition, as synthesized. */
type RuleLabelsOf = (condition: string) => Labels | undefined;

const CALM_MINUTES = 30;

/** The detector's two scenarios, or why they cannot be written. @internal */
export function detectorScenarios(spec: DetectorSpec, conditions: ReadonlyArray<string>, namespace: string,
  ruleLabels: RuleLabelsOf): QualityScenario[] | string {
  const { write, firing } = detectorSeries(spec, namespace);
  const expected: Labels[] = [];
  for (const key of conditions) {
    const rule = ruleLabels(key);
    const series = firing[key];
    if (rule === undefined) return `the rule of its ${key} condition is written more than once`;
    if (series === undefined) return `its ${key} condition has no scenario`;
    expected.push({ ...series, ...rule });
  }
  const what = spec.kind === 'custom' ? `${spec.name} (${spec.metric})` : spec.kind;
  return [
    {
      name: `fires when ${what} reports drift (${describe(spec)})`,
      phases: [phase(CALM_MINUTES, s => write(s, false)), phase(1, s => write(s, true))],
      onsetMs: CALM_MINUTES * 60_000,
      // The changed values are read from the first sample after the onset.
      fromMs: 60_000,
      byMs: 60_000,
      firing: expected,
    },
    {
      name: `stays silent while ${what} stays just short of every threshold`,
      phases: [phase(CALM_MINUTES, s => write(s, false)), phase(1, s => write(s, false))],
      onsetMs: CALM_MINUTES * 60_000,
      fromMs: 60_000,
      byMs: 60_000,
      firing: [],
    },
  ];
}

function describe(spec: DetectorSpec): string {
  switch (spec.kind) {
    case 'alibi-detect': return `p-value level ${spec.pValue !== undefined ? formatNumber(spec.pValue) : 'exported'}` +
      (spec.distance !== undefined ? `, distance ${formatNumber(spec.distance)}` : '');
    case 'evidently': return `share drifted ${formatNumber(spec.shareDrifted)}`;
    case 'mlrun': return `general drift ${formatNumber(spec.distance)}`;
    case 'custom': return `${spec.below ? 'below' : 'above'} ${formatNumber(spec.threshold)}`;
  }
}

interface DetectorSeries {
  /** Writes the detector's series, calm (just short of every threshold) or drifted. */
  readonly write: (set: SeriesSet, drifted: boolean) => void;
  /** The labels each condition's alert carries from the series, by condition. */
  readonly firing: { [condition: string]: Labels };
}

function detectorSeries(spec: DetectorSpec, namespace: string): DetectorSeries {
  switch (spec.kind) {
    case 'alibi-detect': {
      const A = ALIBI_DETECT;
      const base = matching({ ...scraped(namespace, A.labels.deployment_name), ...A.labels }, spec.matchers);
      // Three features; the exported threshold is the significance level over the features (Bonferroni).
      const features = 3;
      const exported = A.defaultPValue / features;
      const level = spec.pValue ?? exported;
      const calmP = Math.min(1.5 * Math.max(level, exported), (1 + Math.max(level, exported)) / 2);
      const driftP = Math.min(level, exported) / 2;
      const drifting = 1;
      const feature = (i: number) => ({ ...base, [A.featureLabel]: String(i) });
      const d = spec.distance;
      const keep = ['namespace', 'deployment_name', A.featureLabel];
      return {
        write: (set, drifted) => {
          set.add(A.isDrift, feature(0), gauge(drifted ? 1 : 0));
          set.add(A.threshold, feature(0), gauge(exported));
          for (let i = 0; i < features; i++) {
            const hit = drifted && i === drifting;
            set.add(A.pValue, feature(i), gauge(hit ? driftP : calmP));
            set.add(A.distance, feature(i), gauge(d === undefined ? (hit ? 0.3 : 0.05) : (hit ? d * 1.5 : d * 2 / 3)));
          }
        },
        firing: { flag: by(feature(0), keep), pvalue: by(feature(drifting), keep), distance: by(feature(drifting), keep) },
      };
    }
    case 'evidently': {
      const E = EVIDENTLY;
      const base = matching({ ...scraped(namespace, 'evidently-monitoring'), ...E.labels }, spec.matchers);
      const t = spec.shareDrifted;
      const kept = without(base, ['instance', 'pod']);
      return {
        write: (set, drifted) => {
          set.add(E.datasetDrift, base, gauge(drifted ? 1 : 0));
          set.add(E.shareDrifted, base, gauge(drifted ? (t > 0 ? ratioAbove(t) : 0.5) : t * 2 / 3));
        },
        firing: { flag: kept, share: kept },
      };
    }
    case 'mlrun': {
      const M = MLRUN;
      const base = matching({ ...scraped(namespace, 'mlrun-model-monitoring'), ...M.labels }, spec.matchers);
      const t = spec.distance;
      return {
        write: (set, drifted) => {
          const current = drifted ? 'DRIFT_DETECTED' : 'NO_DRIFT';
          for (const state of M.states) set.add(M.driftStatus, { ...base, drift_status: state }, gauge(state === current ? 1 : 0));
          for (const metric of M.metrics) {
            // The Kullback-Leibler divergence is unbounded and not part of MLRun's general drift.
            const v = metric === 'kld_mean' ? (drifted ? 2.4 : 0.1) : (drifted ? ratioAbove(t) : t * 2 / 3);
            set.add(M.driftMetrics, { ...base, metric }, gauge(v));
          }
        },
        firing: { flag: without({ ...base, drift_status: 'DRIFT_DETECTED' }, ['instance', 'pod']), distance: without(base, ['instance', 'pod', 'metric']) },
      };
    }
    case 'custom': {
      const base = matching(scraped(namespace, spec.name), spec.matchers);
      const t = spec.threshold;
      const margin = t !== 0 ? Math.abs(t) / 2 : 1;
      const dir = spec.below ? -1 : 1;
      return {
        write: (set, drifted) => set.add(spec.metric, base, gauge(drifted ? t + dir * margin : t - dir * margin / 2)),
        firing: { gauge: base },
      };
    }
  }
}
