/*
 * What NVIDIA's dcgm-exporter writes for one GPU, as its source writes it (NVIDIA/dcgm-exporter 4.5.3-4.8.2,
 * etc/default-counters.csv:23 and :45-46; internal/pkg/transformation/kubernetes.go for the labels of the
 * pod the GPU is allocated to). The generated tests write these series; test/testing checks them against
 * the dcgm-exporter fixture, which cites the same source.
 */

/** The default counters the GPU alerts read, and the labels of one GPU's series. @internal */
export const DCGM = {
  /** GPU utilisation, in percent. */
  utilization: 'DCGM_FI_DEV_GPU_UTIL',
  /** Framebuffer memory used and free, in MiB (the exporter has no total). */
  memoryUsed: 'DCGM_FI_DEV_FB_USED',
  memoryFree: 'DCGM_FI_DEV_FB_FREE',
  labels: {
    gpu: '0',
    UUID: 'GPU-5c7e1f0a-93b2-4d0e-8a61-0f2c9e7b4d13',
    pci_bus_id: '00000000:00:1E.0',
    device: 'nvidia0',
    modelName: 'NVIDIA A100-SXM4-40GB',
    Hostname: 'gpu-node-1',
    DCGM_FI_DRIVER_VERSION: '570.124.06',
  },
  /** The labels of the pod the GPU is allocated to (Kubernetes pod mapping, on by default). */
  podLabels: ['namespace', 'pod', 'container'],
  /** An A100 40GB's framebuffer, in MiB. */
  memoryMiB: 40_960,
} as const;
