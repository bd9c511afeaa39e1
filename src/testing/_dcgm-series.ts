import { gauge, SeriesSet } from './_input-series';
import { PodIdentity } from './_service-series';
import { DCGM } from '../ml/_dcgm-exports';

/*
 * The series NVIDIA's dcgm-exporter writes for the GPU allocated to one pod of the service, as Prometheus
 * stores them after scraping the exporter: where the exporter's pod labels collide with the scrape's own
 * target labels (a ServiceMonitor with honorLabels off), they are kept as `exported_*`, which the
 * `GpuMetrics.dcgm` options name.
 */

/** The label names the service's GPU series carry its pod's namespace and name in. @internal */
export interface DcgmLabels {
  readonly namespaceLabel: string;
  readonly podLabel: string;
}

/** The labels of the pod's GPU series, as stored. @internal */
export function dcgmSeriesLabels(id: PodIdentity, d: DcgmLabels): { [k: string]: string } {
  const honored = d.namespaceLabel === 'namespace' && d.podLabel === 'pod';
  const exporter = {
    namespace: 'gpu-operator',
    pod: 'nvidia-dcgm-exporter-x7k2p',
    container: 'nvidia-dcgm-exporter',
    service: 'nvidia-dcgm-exporter',
    endpoint: 'gpu-metrics',
    job: 'nvidia-dcgm-exporter',
    instance: '10.0.3.7:9400',
  };
  if (honored) return { ...DCGM.labels, namespace: id.namespace, pod: id.pod, container: 'model', job: exporter.job, instance: exporter.instance };
  return { ...DCGM.labels, ...exporter, [d.namespaceLabel]: id.namespace, [d.podLabel]: id.pod, exported_container: 'model' };
}

/**
 * The labels the GPU alerts carry: the series' own, with the pod's namespace and name in `namespace` and
 * `pod` (the alerts copy them there to join the service's pods). @internal
 */
export function dcgmAlertLabels(id: PodIdentity, d: DcgmLabels): { [k: string]: string } {
  return { ...dcgmSeriesLabels(id, d), namespace: id.namespace, pod: id.pod };
}

/** Writes the pod's GPU at `utilization` and `memory` (shares of 1). @internal */
export function writeDcgm(out: SeriesSet, id: PodIdentity, d: DcgmLabels, utilization: number, memory: number): void {
  const labels = dcgmSeriesLabels(id, d);
  out.add(DCGM.utilization, labels, gauge(utilization * 100));
  out.add(DCGM.memoryUsed, labels, gauge(memory * DCGM.memoryMiB));
  out.add(DCGM.memoryFree, labels, gauge((1 - memory) * DCGM.memoryMiB));
}
