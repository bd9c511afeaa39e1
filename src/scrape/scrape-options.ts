import { Duration } from 'cdk8s';
import { SecretKey } from '../common/secret-key';

/** Which prometheus-operator object discovers the targets. */
export enum MonitorKind {
  /** A ServiceMonitor: targets are the endpoints of Services matched by the selector; `port` is a Service port name. */
  SERVICE_MONITOR = 'ServiceMonitor',
  /** A PodMonitor: targets are Pods matched by the selector; `port` is a container port name. */
  POD_MONITOR = 'PodMonitor',
}

/** The scrape scheme. */
export enum ScrapeScheme {
  /** Plain HTTP. */
  HTTP = 'http',
  /** HTTPS; see `tls` for CA and server name. */
  HTTPS = 'https',
}

/** A Prometheus relabeling action. */
export enum RelabelAction {
  /** Write `replacement` (with regex groups) to `targetLabel`. */
  REPLACE = 'replace',
  /** Keep targets or series whose joined source labels match `regex`. */
  KEEP = 'keep',
  /** Drop targets or series whose joined source labels match `regex`. */
  DROP = 'drop',
  /** Set `targetLabel` to the hash of the source labels modulo `modulus`. */
  HASHMOD = 'hashmod',
  /** Copy labels whose names match `regex` to names given by `replacement`. */
  LABELMAP = 'labelmap',
  /** Remove labels whose names match `regex`. */
  LABELDROP = 'labeldrop',
  /** Keep only labels whose names match `regex`. */
  LABELKEEP = 'labelkeep',
  /** Lower-case the joined source labels into `targetLabel`. */
  LOWERCASE = 'lowercase',
  /** Upper-case the joined source labels into `targetLabel`. */
  UPPERCASE = 'uppercase',
  /** Keep when the joined source labels equal `targetLabel`'s value. */
  KEEPEQUAL = 'keepequal',
  /** Drop when the joined source labels equal `targetLabel`'s value. */
  DROPEQUAL = 'dropequal',
}

/** One relabeling step (target relabeling or metric relabeling). */
export interface Relabeling {
  /**
   * The action.
   * @default RelabelAction.REPLACE
   */
  readonly action?: RelabelAction;
  /**
   * Labels whose values are joined with `separator` and matched against `regex`.
   * @default - none
   */
  readonly sourceLabels?: string[];
  /**
   * The separator between joined source label values.
   * @default ";"
   */
  readonly separator?: string;
  /**
   * The label written by replace, hashmod, lowercase and uppercase.
   * @default - none
   */
  readonly targetLabel?: string;
  /**
   * The regular expression (RE2, fully anchored).
   * @default "(.*)"
   */
  readonly regex?: string;
  /**
   * The replacement, with `$1`-style group references.
   * @default "$1"
   */
  readonly replacement?: string;
  /**
   * The modulus for hashmod.
   * @default - none
   */
  readonly modulus?: number;
}

/** TLS settings for scraping over HTTPS; certificates come from Secrets. */
export interface ScrapeTlsOptions {
  /**
   * The CA certificate that signs the target's certificate.
   * @default - the system roots
   */
  readonly ca?: SecretKey;
  /**
   * The client certificate, for mutual TLS (with `key`).
   * @default - no client certificate
   */
  readonly cert?: SecretKey;
  /**
   * The client certificate's private key, for mutual TLS (with `cert`).
   * @default - no client key
   */
  readonly key?: SecretKey;
  /**
   * The server name to verify the target's certificate against.
   * @default - the target's address
   */
  readonly serverName?: string;
  /**
   * Skip verification of the target's certificate. Insecure: for tests only.
   * @default false
   */
  readonly insecureSkipVerify?: boolean;
}

/** HTTP basic authentication, both parts from Secrets. */
export interface ScrapeBasicAuth {
  /** The user name. */
  readonly username: SecretKey;
  /** The password. */
  readonly password: SecretKey;
}

/** How the metrics endpoint is scraped. */
export interface ScrapeEndpointOptions {
  /**
   * The kind of monitor.
   * @default - the serving runtime's default (or MonitorKind.SERVICE_MONITOR)
   */
  readonly kind?: MonitorKind;
  /**
   * The port name: a Service port name for a ServiceMonitor, a container port name for a PodMonitor.
   * @default - the serving runtime's default port
   */
  readonly port?: string;
  /**
   * The port number (the container port), instead of a name.
   * @default - the port name is used
   */
  readonly portNumber?: number;
  /**
   * The HTTP path of the metrics.
   * @default - the runtime's path, usually "/metrics"
   */
  readonly path?: string;
  /**
   * How often the targets are scraped.
   * @default Duration.seconds(30)
   */
  readonly interval?: Duration;
  /**
   * How long a scrape may take; at most `interval`.
   * @default - Prometheus' default (10s, capped at the interval)
   */
  readonly scrapeTimeout?: Duration;
  /**
   * The scheme.
   * @default ScrapeScheme.HTTP
   */
  readonly scheme?: ScrapeScheme;
  /**
   * TLS settings (with `scheme: HTTPS`).
   * @default - none
   */
  readonly tls?: ScrapeTlsOptions;
  /**
   * A bearer token sent as `Authorization: Bearer <token>`.
   * @default - no token
   */
  readonly bearerToken?: SecretKey;
  /**
   * HTTP basic authentication. Exclusive with `bearerToken`.
   * @default - none
   */
  readonly basicAuth?: ScrapeBasicAuth;
  /**
   * Target relabelings, applied before the scrape (after the ones this library adds).
   * @default - none
   */
  readonly relabelings?: Relabeling[];
  /**
   * Metric relabelings, applied to scraped series before they are stored.
   * @default - none
   */
  readonly metricRelabelings?: Relabeling[];
  /**
   * Keep the target's own labels when they clash with the labels Prometheus attaches. A target could then
   * write any `namespace`, `pod` or `ml_service` on its series and drive another tenant's alerts, SLOs and
   * autoscaling, so it is refused unless `trustTargetLabels` is set too.
   * @default false
   */
  readonly honorLabels?: boolean;
  /**
   * The explicit opt-out that `honorLabels` needs: the targets are exporters you trust to label their own
   * series (a federation or Pushgateway endpoint, kube-state-metrics). The identity labels the library
   * stamps on the targets (`ml_service`, and the namespace of a monitored service) are still forced on
   * every series by metric relabelings.
   * @default false
   */
  readonly trustTargetLabels?: boolean;
  /**
   * The most series one scrape may return; beyond it the scrape fails (a cardinality guard).
   * @default - no limit
   */
  readonly sampleLimit?: number;
}
