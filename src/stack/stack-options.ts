import { Duration, Size } from 'cdk8s';
import { ContainerResources } from 'cdk8s-plus-28';
import { GlobalEvaluator } from './global-evaluator';
import { SecretKey } from '../common/secret-key';
import { AlertTuning } from '../ml/alert-tuning';

/** Persistent storage through a volume claim template. */
export interface StorageOptions {
  /** The size of each replica's volume. */
  readonly size: Size;
  /**
   * The StorageClass.
   * @default - the cluster's default StorageClass
   */
  readonly storageClassName?: string;
}

/** A remote_write destination (Thanos Receive, Mimir, Cortex, any Prometheus remote-write endpoint). */
export interface RemoteWriteOptions {
  /** The endpoint, e.g. `https://mimir.example.com/api/v1/push`. */
  readonly url: string;
  /**
   * A name for the queue (shows in Prometheus's own metrics).
   * @default - Prometheus derives one from the URL
   */
  readonly name?: string;
  /**
   * A bearer token, read from a Secret in the stack's namespace.
   * @default - none
   */
  readonly bearerToken?: SecretKey;
  /**
   * Basic-auth user name, read from a Secret in the stack's namespace (give with `basicAuthPassword`).
   * @default - no basic auth
   */
  readonly basicAuthUsername?: SecretKey;
  /**
   * Basic-auth password, read from a Secret in the stack's namespace (give with `basicAuthUsername`).
   * @default - no basic auth
   */
  readonly basicAuthPassword?: SecretKey;
  /**
   * HTTP headers sent with every request, e.g. `{ 'X-Scope-OrgID': 'ml' }` for a multi-tenant Mimir.
   * @default - none
   */
  readonly headers?: { [key: string]: string };
}

/** The stack's `Prometheus`. */
export interface PrometheusOptions {
  /**
   * Replicas per shard: 2 for high availability (each scrapes everything).
   * @default 1
   */
  readonly replicas?: number;
  /**
   * Enforce the `namespace` label (the operator's `enforcedNamespaceLabel`): every series scraped through
   * a tenant's ServiceMonitor or PodMonitor carries the monitor's namespace, and every rule of a tenant's
   * PrometheusRule reads and writes only its own namespace's series, so no tenant can read or forge
   * another's. The rules the library writes (which may read several namespaces, or DCGM's series in the GPU
   * operator's namespace) are listed in `excludedFromEnforcement`: their scope is the library's own.
   * @default true
   */
  readonly enforceNamespaceLabel?: boolean;
  /**
   * Shards: targets are split between shards by hash, for more targets than one Prometheus can scrape.
   * Each shard sees only its part of the targets, so more than one needs a `globalEvaluator` for the
   * rules that aggregate across targets (an Error otherwise).
   * @default 1
   */
  readonly shards?: number;
  /**
   * What evaluates the rules that need every target's series (a service's ratios and quantiles over its
   * pods, SLO windows, absent and traffic alerts): Thanos (sidecars, Thanos Query, a ThanosRuler) or a
   * remote-write store with a ruler (Grafana Mimir). Every PrometheusRule made for the stack is split: the
   * rules that read one target's series stay on the shards, the others go to the global evaluator; Grafana
   * and the autoscalers query the global endpoint.
   * @default - none: the Prometheus evaluates every rule (one shard only)
   */
  readonly globalEvaluator?: GlobalEvaluator;
  /**
   * How long samples are kept.
   * @default Duration.days(15)
   */
  readonly retention?: Duration;
  /**
   * The most disk the samples may use; the oldest blocks go first.
   * @default - no size limit
   */
  readonly retentionSize?: Size;
  /**
   * Persistent storage.
   * @default - an emptyDir: samples are lost when a pod moves
   */
  readonly storage?: StorageOptions;
  /**
   * Resources of the Prometheus container.
   * @default - requests 500m CPU and 2 GiB memory, limit 4 GiB memory
   */
  readonly resources?: ContainerResources;
  /**
   * Labels added to every series and alert leaving this Prometheus (remote write, Alertmanager), e.g.
   * `{ cluster: 'prod-eu-1' }`.
   * @default - none
   */
  readonly externalLabels?: { [key: string]: string };
  /**
   * The default scrape interval.
   * @default Duration.seconds(30)
   */
  readonly scrapeInterval?: Duration;
  /**
   * The default rule evaluation interval.
   * @default Duration.seconds(30)
   */
  readonly evaluationInterval?: Duration;
  /**
   * Remote-write destinations, for long-term or global storage.
   * @default - none
   */
  readonly remoteWrite?: RemoteWriteOptions[];
  /**
   * A NodePort for the Prometheus Service (30000-32767).
   * @default - a ClusterIP Service only
   */
  readonly nodePort?: number;
  /**
   * The image, pinned to a version tag.
   * @default "quay.io/prometheus/prometheus:v3.14.0"
   */
  readonly image?: string;
  /**
   * Prometheus's external URL (links in alerts).
   * @default - none
   */
  readonly externalUrl?: string;
}

/** The stack's `Alertmanager`. */
export interface AlertmanagerOptions {
  /**
   * Replicas: 3 for a highly available cluster that deduplicates notifications.
   * @default 1
   */
  readonly replicas?: number;
  /**
   * Persistent storage for silences and the notification log.
   * @default - an emptyDir
   */
  readonly storage?: StorageOptions;
  /**
   * How long silences and the notification log are kept.
   * @default Duration.hours(120)
   */
  readonly retention?: Duration;
  /**
   * Resources of the Alertmanager container.
   * @default - requests 50m CPU and 128 MiB memory, limit 256 MiB memory
   */
  readonly resources?: ContainerResources;
  /**
   * A NodePort for the Alertmanager Service (30000-32767).
   * @default - a ClusterIP Service only
   */
  readonly nodePort?: number;
  /**
   * The image, pinned to a version tag.
   * @default "quay.io/prometheus/alertmanager:v0.34.0"
   */
  readonly image?: string;
  /**
   * Alertmanager's external URL (links in notifications).
   * @default - none
   */
  readonly externalUrl?: string;
}

/** The stack's Grafana. */
export interface GrafanaOptions {
  /**
   * Whether Grafana is deployed.
   * @default true
   */
  readonly enabled?: boolean;
  /**
   * The admin password, read from an existing Secret. Required when Grafana is enabled: there is no
   * default password.
   * @default - none; an error when Grafana is enabled
   */
  readonly adminPassword?: SecretKey;
  /**
   * The admin user name, read from an existing Secret.
   * @default - "admin"
   */
  readonly adminUser?: SecretKey;
  /**
   * Grafana's external URL: its root_url, and the base of dashboard links in alerts.
   * @default - none
   */
  readonly externalUrl?: string;
  /**
   * A NodePort for the Grafana Service (30000-32767).
   * @default - a ClusterIP Service only
   */
  readonly nodePort?: number;
  /**
   * Resources of the Grafana container.
   * @default - requests 100m CPU and 256 MiB memory, limit 512 MiB memory
   */
  readonly resources?: ContainerResources;
  /**
   * The image, pinned to a version tag.
   * @default "docker.io/grafana/grafana:12.3.0"
   */
  readonly image?: string;
}

/** kube-state-metrics: the pod restart, readiness and resource-limit series the alerts read. */
export interface KubeStateMetricsOptions {
  /**
   * Whether kube-state-metrics is deployed (turn off when one already runs, and scrape it yourself).
   * @default true
   */
  readonly enabled?: boolean;
  /**
   * Resources of the container.
   * @default - requests 50m CPU and 128 MiB memory, limit 256 MiB memory
   */
  readonly resources?: ContainerResources;
  /**
   * The image, pinned to a version tag.
   * @default "registry.k8s.io/kube-state-metrics/kube-state-metrics:v2.17.0"
   */
  readonly image?: string;
}

/** node-exporter: host metrics. It needs the host's PID and network namespaces and read-only host paths. */
export interface NodeExporterOptions {
  /**
   * Whether node-exporter is deployed. Its pods cannot meet the restricted Pod Security Standard (host
   * namespaces and paths): with it on, the stack's namespace enforces `privileged` and warns on `restricted`.
   * @default false
   */
  readonly enabled?: boolean;
  /**
   * Resources of the container.
   * @default - requests 50m CPU and 64 MiB memory, limit 128 MiB memory
   */
  readonly resources?: ContainerResources;
  /**
   * The image, pinned to a version tag.
   * @default "quay.io/prometheus/node-exporter:v1.10.2"
   */
  readonly image?: string;
}

/** The prometheus-operator. */
export interface OperatorOptions {
  /**
   * Resources of the operator container.
   * @default - requests 100m CPU and 128 MiB memory, limit 256 MiB memory
   */
  readonly resources?: ContainerResources;
  /**
   * The operator image, pinned to a version tag (its CRDs must be that version).
   * @default "quay.io/prometheus-operator/prometheus-operator:v0.93.0"
   */
  readonly image?: string;
  /**
   * The config-reloader image the operator puts beside Prometheus and Alertmanager.
   * @default "quay.io/prometheus-operator/prometheus-config-reloader:v0.93.0"
   */
  readonly configReloaderImage?: string;
}

/**
 * How the adopted stack's Alertmanager merges AlertmanagerConfig objects (its
 * `alertmanagerConfigMatcherStrategy.type`, prometheus-operator `pkg/alertmanager/amcfg.go`).
 */
export enum AlertmanagerConfigMatcherStrategy {
  /**
   * The operator's and kube-prometheus-stack's default: every AlertmanagerConfig only routes alerts whose
   * `namespace` label is its own namespace. The routing tree is emitted in every tenant namespace.
   */
  ON_NAMESPACE = 'OnNamespace',
  /**
   * As ON_NAMESPACE, except that an AlertmanagerConfig in the Alertmanager's own namespace routes every
   * namespace's alerts: one object there.
   */
  ON_NAMESPACE_EXCEPT_FOR_ALERTMANAGER_NAMESPACE = 'OnNamespaceExceptForAlertmanagerNamespace',
  /** No namespace matcher is added: one object in the release's namespace routes every alert. */
  NONE = 'None',
}

/**
 * The owned stack's alerts on its own health (label `ml_signal="monitoring"`, in the PrometheusRule
 * `<name>-stack-health`), each tunable (name, pending period, severity, labels) or disabled. The
 * `Watchdog` heartbeat is always written.
 */
export interface StackHealthAlerts {
  /**
   * `MonitoringRuleEvaluationFailures`: a rule group's evaluations fail.
   * @default - enabled: critical, for 15m
   */
  readonly ruleEvaluationFailures?: AlertTuning;
  /**
   * `MonitoringRuleEvaluationsMissed`: a rule group's evaluations are skipped (slower than its interval).
   * @default - enabled: warning, for 15m
   */
  readonly ruleEvaluationsMissed?: AlertTuning;
  /**
   * `MonitoringNotificationsFailing`: Alertmanager gives up on notifications to an integration.
   * @default - enabled: warning, for 5m
   */
  readonly notificationsFailing?: AlertTuning;
  /**
   * `MonitoringConfigReloadFailed`: Prometheus or Alertmanager rejected its new configuration.
   * @default - enabled: critical, for 10m
   */
  readonly configReloadFailed?: AlertTuning;
  /**
   * `MonitoringAlertmanagerNotConnected`: Prometheus has discovered no Alertmanager.
   * @default - enabled: warning, for 10m
   */
  readonly alertmanagerNotConnected?: AlertTuning;
  /**
   * `MonitoringComponentDown`: a scraped component of the stack is down or has no target.
   * @default - enabled: warning, for 10m
   */
  readonly componentDown?: AlertTuning;
}

/**
 * Who, besides the stack's own components, the NetworkPolicies let in (with `networkPolicies: true`). Every
 * other flow into the stack is denied.
 */
export interface StackNetworkOptions {
  /**
   * The namespace KEDA runs in: its operator's Prometheus scaler queries Prometheus for every
   * `InferenceAutoscaler`.
   * @default "keda"
   */
  readonly kedaNamespace?: string;
  /**
   * Namespaces whose pods may open Grafana (an ingress controller's, for example).
   * @default - every namespace: Grafana is the stack's user interface
   */
  readonly grafanaClientNamespaces?: string[];
  /**
   * The addresses (CIDRs) allowed through the NodePorts of Prometheus, Alertmanager and Grafana. Required
   * when any of them has a `nodePort`. With the default `externalTrafficPolicy: Cluster` a NodePort
   * connection arrives from a node's address, so give the nodes' CIDR as well as the clients'.
   * @default - none: a NodePort with network policies and no sources is an Error
   */
  readonly nodePortSources?: string[];
  /**
   * The API server's addresses (CIDRs), the one destination of the operator and kube-state-metrics besides
   * DNS.
   * @default - any address on ports 443 and 6443 (the API server's address differs from cluster to cluster)
   */
  readonly apiServerCidrs?: string[];
}
