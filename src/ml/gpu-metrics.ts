import { invalidProp } from '../common/_errors';
import { validatePromLabelName } from '../common/_names';

/** How NVIDIA's DCGM exporter's series name the pod a GPU is allocated to. */
export interface DcgmGpuOptions {
  /**
   * The label holding the namespace of the pod using the GPU. The exporter writes `namespace`; Prometheus
   * renames it to `exported_namespace` because the scrape's own target has a `namespace` (the
   * ServiceMonitors of the GPU operator and of the dcgm-exporter chart keep `honorLabels: false`).
   * @default "exported_namespace"
   */
  readonly namespaceLabel?: string;
  /**
   * The label holding the name of the pod using the GPU.
   * @default "exported_pod"
   */
  readonly podLabel?: string;
}

/**
 * Where a monitored service's GPU utilisation and memory come from: the runtime's own gauges (Triton) or
 * NVIDIA's DCGM exporter (any runtime on NVIDIA GPUs: vLLM, TGI, Ray Serve, KServe, ...).
 */
export class GpuMetrics {
  /** The runtime's own GPU gauges (Triton's `nv_gpu_utilization` and `nv_gpu_memory_*_bytes`). */
  public static fromRuntime(): GpuMetrics {
    return new GpuMetrics('runtime');
  }

  /**
   * NVIDIA's DCGM exporter (checked against dcgm-exporter 4.5-4.8, its default counters): utilisation from
   * `DCGM_FI_DEV_GPU_UTIL` (percent) and memory used / (used + free) from `DCGM_FI_DEV_FB_USED` and
   * `DCGM_FI_DEV_FB_FREE` (MiB; the exporter has no total), attributed to the service's pods by the pod
   * labels the exporter adds (its Kubernetes pod mapping is on by default). The exporter must be scraped by
   * the same Prometheus: the NVIDIA GPU operator and the dcgm-exporter chart ship a ServiceMonitor for it.
   */
  public static dcgm(options: DcgmGpuOptions = {}): GpuMetrics {
    const where = 'GpuMetrics.dcgm';
    if (typeof options !== 'object' || options === null) throw invalidProp(where, 'options', options, 'a DcgmGpuOptions object');
    const namespaceLabel = validatePromLabelName(where, 'namespaceLabel', options.namespaceLabel ?? 'exported_namespace');
    const podLabel = validatePromLabelName(where, 'podLabel', options.podLabel ?? 'exported_pod');
    return new GpuMetrics('dcgm', { namespaceLabel, podLabel });
  }

  /** `runtime` or `dcgm`. */
  public readonly source: string;
  /** @internal */
  public readonly _dcgm?: { readonly namespaceLabel: string; readonly podLabel: string };

  private constructor(source: string, dcgm?: { namespaceLabel: string; podLabel: string }) {
    this.source = source;
    this._dcgm = dcgm;
  }
}
