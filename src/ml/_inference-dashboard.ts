import { quantileName } from './_inference-queries';
import { InferenceSettings } from './alerts/_inference-alerts';
import { InferenceSignals } from './signals/_inference-signals';
import { LabelMatcher } from '../common/_promql';
import { GrafanaDashboard } from '../dashboards/grafana-dashboard';
import { Panel, PanelThreshold, PanelUnit } from '../dashboards/panel';
import { DashboardVariable } from '../dashboards/variable';

/** The latency quantiles the dashboard always shows, besides the alert's own. @internal */
export const PANEL_QUANTILES = [0.5, 0.95, 0.99];

/** The dashboard's template variables. @internal */
export function inferenceVariables(s: InferenceSignals): DashboardVariable[] {
  const vars = [DashboardVariable.query({ name: 'namespace', label: 'Namespace', query: `label_values(${s.podUp().select()}, namespace)` })];
  const spec = s.q.spec;
  if (spec.modelLabel && spec.requests.byModel) {
    vars.push(DashboardVariable.query({ name: 'model', label: 'Model', query: `label_values(${s.requestRate().select()}, ${spec.modelLabel})` }));
  }
  return vars;
}

/**
 * Fills the inference dashboard: traffic, latency, pods, then the runtime's own panels. Every query reads
 * the signal catalog, and every threshold line is the enabled alert's resolved threshold.
 * @internal
 */
export function addInferencePanels(d: GrafanaDashboard, s: InferenceSignals, st: InferenceSettings): void {
  const spec = s.q.spec;
  const ns: LabelMatcher = { name: 'namespace', op: '=~', value: '$namespace' };
  const byModel = (labels: ReadonlyArray<string>) => spec.modelLabel !== undefined && spec.requests.byModel && labels.includes(spec.modelLabel);
  const narrow = (labels: ReadonlyArray<string>): LabelMatcher[] => (byModel(labels) ? [ns, { name: spec.modelLabel!, op: '=~', value: '$model' }] : [ns]);
  const legend = (labels: ReadonlyArray<string>) => `{{namespace}}${byModel(labels) ? ` {{${spec.modelLabel}}}` : ''}`;
  const red = (enabled: boolean, value: number): PanelThreshold[] | undefined => (enabled ? [{ value, color: 'red' }] : undefined);

  d.addRow('Traffic and errors');
  const req = s.requestRate();
  d.addPanel(Panel.timeseries({
    title: 'Request rate per tenant',
    unit: PanelUnit.REQUESTS_PER_SECOND,
    width: s.hasErrors ? undefined : 24,
    queries: [{ expr: `sum by (namespace) (${req.select(narrow(req.labels))})`, legend: '{{namespace}}' }],
  }));
  if (s.hasErrors) {
    const err = s.errorRate();
    d.addPanel(Panel.timeseries({
      title: 'Error ratio',
      unit: PanelUnit.PERCENT_UNIT,
      min: 0,
      thresholds: red(st.errorRatio.enabled, st.errorRatio.max),
      queries: [{ expr: `sum by (namespace) (${err.select(narrow(err.labels))}) / (sum by (namespace) (${req.select(narrow(req.labels))}) > 0)`, legend: '{{namespace}}' }],
    }));
  }
  if (spec.modelLabel && spec.requests.byModel) {
    const v = spec.versionLabel ? s.requestsByVersion() : req;
    const labels = ['namespace', spec.modelLabel, ...(spec.versionLabel ? [spec.versionLabel] : [])];
    d.addPanel(Panel.timeseries({
      title: spec.versionLabel ? 'Requests by model and version' : 'Requests by model',
      unit: PanelUnit.REQUESTS_PER_SECOND,
      width: 24,
      stacked: true,
      queries: [{ expr: `sum by (${labels.join(', ')}) (${v.select(narrow(v.labels))})`, legend: labels.map(l => `{{${l}}}`).join(' ') }],
    }));
  }

  d.addRow('Latency');
  if (s.hasLatencyHistogram) {
    // The alert's quantile gets the threshold line; p50 and p99 give the spread around it.
    const alertQ = st.latency.quantile;
    const first = [...new Set([0.5, alertQ])].sort();
    const second = [...new Set(PANEL_QUANTILES.filter(x => !first.includes(x)))];
    const quantiles = (qs: number[]) => qs.map(quant => {
      const series = s.latencyQuantile(quant);
      return { expr: series.select(narrow(series.labels)), legend: `${quantileName(quant)} ${legend(series.labels)}` };
    });
    d.addPanel(Panel.timeseries({
      title: `Latency ${first.map(quantileName).join(' and ')}`,
      unit: PanelUnit.SECONDS,
      thresholds: red(st.latency.enabled, st.latency.maxSeconds),
      queries: quantiles(first),
    }));
    d.addPanel(Panel.timeseries({ title: `Latency ${second.map(quantileName).join(' and ')}`, unit: PanelUnit.SECONDS, queries: quantiles(second) }));
  } else if (s.hasAverageLatency) {
    const avg = s.averageLatency();
    d.addPanel(Panel.timeseries({
      title: 'Average latency (the runtime exports no histogram)',
      unit: PanelUnit.SECONDS,
      width: 24,
      thresholds: red(st.latency.enabled, st.latency.maxSeconds),
      queries: [{ expr: avg.select(narrow(avg.labels)), legend: legend(avg.labels) }],
    }));
  }

  d.addRow('Pods');
  d.addPanel(Panel.stat({
    title: 'Running pods',
    queries: [{ expr: `sum by (namespace) (${s.podsRunning([ns])})`, legend: '{{namespace}}' }],
  }));
  d.addPanel(Panel.stat({
    title: 'Restarts (1h)',
    queries: [{ expr: `sum by (namespace) (${s.podRestarts('1h', '', [ns])})`, legend: '{{namespace}}' }],
  }));
  const cpu = s.podCpu();
  const cpuLimit = s.podCpuLimit();
  d.addPanel(Panel.timeseries({
    title: 'CPU % of limit',
    unit: PanelUnit.PERCENT_UNIT,
    thresholds: red(st.cpu.enabled && st.cpu.maxLimitRatio !== undefined, st.cpu.maxLimitRatio ?? 0),
    queries: [{ expr: `${cpu.select([ns])} / ${cpuLimit.select([ns])}`, legend: '{{namespace}}/{{pod}}' }],
  }));
  const mem = s.podMemory();
  const memLimit = s.podMemoryLimit();
  d.addPanel(Panel.timeseries({
    title: 'Memory % of limit',
    unit: PanelUnit.PERCENT_UNIT,
    thresholds: red(st.memory.enabled, st.memory.maxLimitRatio),
    queries: [{ expr: `${mem.select([ns])} / ${memLimit.select([ns])}`, legend: '{{namespace}}/{{pod}}' }],
  }));
  d.addPanel(Panel.timeseries({
    title: 'CPU per pod (cores)',
    unit: PanelUnit.SHORT,
    thresholds: red(st.cpu.enabled && st.cpu.maxCores !== undefined, st.cpu.maxCores ?? 0),
    queries: [{ expr: cpu.select([ns]), legend: '{{namespace}}/{{pod}}' }],
  }));
  d.addPanel(Panel.timeseries({
    title: 'Memory per pod',
    unit: PanelUnit.BYTES,
    queries: [
      { expr: mem.select([ns]), legend: '{{namespace}}/{{pod}}' },
      { expr: memLimit.select([ns]), legend: 'limit {{namespace}}/{{pod}}' },
    ],
  }));

  const llm = spec.timeToFirstToken || spec.kvCacheUsage || spec.promptTokens || spec.queueLength;
  if (llm) d.addRow(spec.timeToFirstToken || spec.kvCacheUsage ? 'LLM serving' : 'Queue');
  if (spec.timeToFirstToken) {
    const ttft = s.ttftQuantile(st.timeToFirstToken.quantile);
    d.addPanel(Panel.timeseries({
      title: `Time to first token ${quantileName(st.timeToFirstToken.quantile)}`,
      unit: PanelUnit.SECONDS,
      thresholds: red(st.timeToFirstToken.enabled, st.timeToFirstToken.maxSeconds),
      queries: [{ expr: ttft.select(narrow(ttft.labels)), legend: legend(ttft.labels) }],
    }));
  }
  if (spec.interTokenLatency) {
    const itl = s.interTokenLatencyQuantile(st.interTokenLatency.quantile);
    d.addPanel(Panel.timeseries({
      title: `Inter-token latency ${quantileName(st.interTokenLatency.quantile)}`,
      unit: PanelUnit.SECONDS,
      thresholds: red(st.interTokenLatency.enabled, st.interTokenLatency.maxSeconds),
      queries: [{ expr: itl.select(narrow(itl.labels)), legend: legend(itl.labels) }],
    }));
  }
  if (spec.kvCacheUsage) {
    d.addPanel(Panel.timeseries({
      title: 'KV cache usage',
      unit: PanelUnit.PERCENT_UNIT,
      max: 1,
      thresholds: red(st.kvCache.enabled, st.kvCache.maxRatio),
      queries: [{ expr: `max by (namespace, pod) (${s.podGaugeRatio('kvCacheUsage', [ns])})`, legend: '{{namespace}}/{{pod}}' }],
    }));
  }
  if (spec.queueLength) {
    const queue = s.queueLength();
    d.addPanel(Panel.timeseries({
      title: spec.queueLength.histogramMean ? 'Requests in flight (mean at each dispatch)' : 'Queued requests',
      unit: PanelUnit.SHORT,
      thresholds: red(st.queue.enabled, st.queue.maxQueued),
      queries: [{ expr: `sum by (namespace) (${queue.select([ns])})`, legend: '{{namespace}}' }],
    }));
  }
  if (spec.promptTokens && spec.generationTokens) {
    d.addPanel(Panel.timeseries({
      title: 'Token throughput',
      unit: PanelUnit.OPS_PER_SECOND,
      queries: (['prompt', 'generation'] as const).map(kind => ({
        expr: `sum by (namespace) (${s.tokenRate(kind).select([ns])})`, legend: `${kind} {{namespace}}`,
      })),
    }));
  }
  if (s.hasGpuUtilization) {
    d.addRow('GPU');
    d.addPanel(Panel.timeseries({
      title: 'GPU utilisation',
      unit: PanelUnit.PERCENT_UNIT,
      thresholds: red(st.gpuUtilization.enabled, st.gpuUtilization.maxRatio),
      queries: [{ expr: s.podGaugeRatio('gpuUtilization', [ns]), legend: `{{pod}} {{${s.gpuLabel}}}` }],
    }));
    if (s.hasGpuMemory) {
      d.addPanel(Panel.timeseries({
        title: 'GPU memory used',
        unit: PanelUnit.PERCENT_UNIT,
        thresholds: red(st.gpuMemory.enabled, st.gpuMemory.maxRatio),
        queries: [{ expr: s.gpuMemoryRatio([ns]), legend: `{{pod}} {{${s.gpuLabel}}}` }],
      }));
    }
  }
}
