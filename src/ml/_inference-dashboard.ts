import { InferenceQueries, quantileName } from './_inference-queries';
import { PANEL_QUANTILES } from './_inference-rules';
import { LabelMatcher } from '../common/_promql';
import { GrafanaDashboard } from '../dashboards/grafana-dashboard';
import { Panel, PanelThreshold, PanelUnit } from '../dashboards/panel';
import { DashboardVariable } from '../dashboards/variable';

/** Thresholds drawn on the panels, equal to the alerts' (same source, same numbers). @internal */
export interface DashboardThresholds {
  readonly latencySeconds?: number;
  readonly errorRatio?: number;
  readonly memoryRatio?: number;
}

/** The dashboard's template variables. @internal */
export function inferenceVariables(q: InferenceQueries): DashboardVariable[] {
  const vars = [DashboardVariable.query({ name: 'namespace', label: 'Namespace', query: `label_values(${q.rec(q.R.podUp)}, namespace)` })];
  if (q.spec.modelLabel && q.spec.requests.byModel) {
    vars.push(DashboardVariable.query({ name: 'model', label: 'Model', query: `label_values(${q.rec(q.R.requests)}, ${q.spec.modelLabel})` }));
  }
  return vars;
}

/** Fills the inference dashboard: traffic, latency, pods, then the runtime's own panels. @internal */
export function addInferencePanels(d: GrafanaDashboard, q: InferenceQueries, t: DashboardThresholds): void {
  const spec = q.spec;
  const ns: LabelMatcher = { name: 'namespace', op: '=~', value: '$namespace' };
  const model = (byModel: boolean): LabelMatcher[] => (byModel && spec.modelLabel && spec.requests.byModel ? [{ name: spec.modelLabel, op: '=~', value: '$model' }] : []);
  const rec = (r: string, byModel = false) => q.rec(r, [ns, ...model(byModel)]);
  const red = (value: number | undefined): PanelThreshold[] | undefined => (value === undefined ? undefined : [{ value, color: 'red' }]);
  const modelLegend = (byModel: boolean) => (byModel && spec.modelLabel ? ` {{${spec.modelLabel}}}` : '');

  d.addRow('Traffic and errors');
  d.addPanel(Panel.timeseries({
    title: 'Request rate per tenant',
    unit: PanelUnit.REQUESTS_PER_SECOND,
    queries: [{ expr: `sum by (namespace) (${rec(q.R.requests, true)})`, legend: '{{namespace}}' }],
  }));
  d.addPanel(Panel.timeseries({
    title: 'Error ratio',
    unit: PanelUnit.PERCENT_UNIT,
    min: 0,
    thresholds: red(t.errorRatio),
    queries: [{ expr: `sum by (namespace) (${rec(q.R.errors, true)}) / (sum by (namespace) (${rec(q.R.requests, true)}) > 0)`, legend: '{{namespace}}' }],
  }));
  if (spec.modelLabel && spec.requests.byModel) {
    const labels = ['namespace', spec.modelLabel, ...(spec.versionLabel ? [spec.versionLabel] : [])];
    const reqSel = q.sel(spec.requests.metric, [ns, ...model(true), ...(spec.requests.matchers ?? [])]);
    d.addPanel(Panel.timeseries({
      title: spec.versionLabel ? 'Requests by model and version' : 'Requests by model',
      unit: PanelUnit.REQUESTS_PER_SECOND,
      width: 24,
      stacked: true,
      queries: [{ expr: `sum by (${labels.join(', ')}) (rate(${reqSel}[$__rate_interval]))`, legend: labels.map(l => `{{${l}}}`).join(' ') }],
    }));
  }

  d.addRow('Latency');
  if (spec.latency) {
    d.addPanel(Panel.timeseries({
      title: 'Latency p50 and p95',
      unit: PanelUnit.SECONDS,
      thresholds: red(t.latencySeconds),
      queries: [0.5, 0.95].map(quant => ({
        expr: rec(q.R.latencyQuantile(quant), spec.latency!.byModel),
        legend: `${quantileName(quant)} {{namespace}}${modelLegend(spec.latency!.byModel)}`,
      })),
    }));
    d.addPanel(Panel.timeseries({
      title: 'Latency p99',
      unit: PanelUnit.SECONDS,
      queries: [{ expr: rec(q.R.latencyQuantile(PANEL_QUANTILES[2]), spec.latency.byModel), legend: `p99 {{namespace}}${modelLegend(spec.latency.byModel)}` }],
    }));
  } else if (spec.averageLatency) {
    d.addPanel(Panel.timeseries({
      title: 'Average latency (the runtime exports no histogram)',
      unit: PanelUnit.SECONDS,
      width: 24,
      thresholds: red(t.latencySeconds),
      queries: [{ expr: rec(q.R.averageLatency, true), legend: `{{namespace}}${modelLegend(true)}` }],
    }));
  }

  d.addRow('Pods');
  const podUp = q.rec(q.R.podUp, [ns]);
  d.addPanel(Panel.stat({
    title: 'Running pods',
    queries: [{ expr: `sum by (namespace) (kube_pod_status_phase{phase="Running",namespace=~"$namespace"} and on (namespace, pod) ${podUp})`, legend: '{{namespace}}' }],
  }));
  d.addPanel(Panel.stat({
    title: 'Restarts (1h)',
    queries: [{ expr: `sum by (namespace) (increase(kube_pod_container_status_restarts_total{namespace=~"$namespace"}[1h]) and on (namespace, pod) ${podUp})`, legend: '{{namespace}}' }],
  }));
  d.addPanel(Panel.timeseries({
    title: 'CPU % of limit',
    unit: PanelUnit.PERCENT_UNIT,
    queries: [{ expr: `${rec(q.R.podCpu)} / ${rec(q.R.podCpuLimit)}`, legend: '{{namespace}}/{{pod}}' }],
  }));
  d.addPanel(Panel.timeseries({
    title: 'Memory per pod',
    unit: PanelUnit.BYTES,
    queries: [
      { expr: rec(q.R.podMemory), legend: '{{namespace}}/{{pod}}' },
      { expr: rec(q.R.podMemoryLimit), legend: 'limit {{namespace}}/{{pod}}' },
    ],
  }));
  d.addPanel(Panel.timeseries({
    title: 'CPU per pod (cores)',
    unit: PanelUnit.SHORT,
    queries: [{ expr: rec(q.R.podCpu), legend: '{{namespace}}/{{pod}}' }],
  }));

  const llm = spec.timeToFirstToken || spec.kvCacheUsage || spec.promptTokens || spec.queueLength;
  if (llm) d.addRow(spec.timeToFirstToken || spec.kvCacheUsage ? 'LLM serving' : 'Queue');
  if (spec.timeToFirstToken) {
    d.addPanel(Panel.timeseries({
      title: 'Time to first token p95',
      unit: PanelUnit.SECONDS,
      queries: [{ expr: rec(q.R.ttftQuantile(0.95), spec.timeToFirstToken.byModel), legend: `{{namespace}}${modelLegend(spec.timeToFirstToken.byModel)}` }],
    }));
  }
  if (spec.kvCacheUsage) {
    d.addPanel(Panel.timeseries({
      title: 'KV cache usage',
      unit: PanelUnit.PERCENT_UNIT,
      max: 1,
      queries: [{ expr: `max by (namespace, pod) (${q.sel(spec.kvCacheUsage.metric, [ns])})`, legend: '{{namespace}}/{{pod}}' }],
    }));
  }
  if (spec.queueLength) {
    d.addPanel(Panel.timeseries({
      title: 'Queued requests',
      unit: PanelUnit.SHORT,
      queries: [{ expr: `sum by (namespace) (${q.sel(spec.queueLength.metric, [ns])})`, legend: '{{namespace}}' }],
    }));
  }
  if (spec.promptTokens && spec.generationTokens) {
    d.addPanel(Panel.timeseries({
      title: 'Token throughput',
      unit: PanelUnit.OPS_PER_SECOND,
      queries: [
        { expr: `sum by (namespace) (rate(${q.sel(spec.promptTokens.metric, [ns])}[$__rate_interval]))`, legend: 'prompt {{namespace}}' },
        { expr: `sum by (namespace) (rate(${q.sel(spec.generationTokens.metric, [ns])}[$__rate_interval]))`, legend: 'generation {{namespace}}' },
      ],
    }));
  }
  if (spec.gpuUtilization) {
    d.addRow('GPU');
    d.addPanel(Panel.timeseries({
      title: 'GPU utilisation',
      unit: spec.gpuUtilization.scale === 100 ? PanelUnit.PERCENT : PanelUnit.PERCENT_UNIT,
      queries: [{ expr: q.sel(spec.gpuUtilization.metric, [ns]), legend: '{{pod}} {{gpu_uuid}}' }],
    }));
    if (spec.gpuMemoryUsed && spec.gpuMemoryTotal) {
      d.addPanel(Panel.timeseries({
        title: 'GPU memory used',
        unit: PanelUnit.PERCENT_UNIT,
        queries: [{ expr: `${q.sel(spec.gpuMemoryUsed.metric, [ns])} / ${q.sel(spec.gpuMemoryTotal.metric, [ns])}`, legend: '{{pod}} {{gpu_uuid}}' }],
      }));
    }
  }
}
