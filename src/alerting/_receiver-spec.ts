import { SecretKey, secretKeySelector } from '../common/secret-key';

/** A secret a receiver reads from a file: the Secret is mounted into Alertmanager, never inlined. @internal */
export interface ReceiverSecret {
  /** The alertmanager.yaml field that takes the file path, e.g. `api_url_file`, or a path such as `http_config.authorization.credentials_file`. */
  readonly fileField: string;
  readonly ref: SecretKey;
}

/**
 * A receiver's two renderings: alertmanager.yaml (credentials as `*_file` paths) and AlertmanagerConfig
 * v1alpha1 (credentials as SecretKeySelectors). `sendResolved` and the HTTP client settings are added to
 * both by `Receiver` itself. @internal
 */
export interface ReceiverParts {
  /** e.g. `slack_configs`; empty for a receiver that notifies no one. */
  readonly configsKey: string;
  readonly config: { [key: string]: unknown };
  readonly secrets: ReceiverSecret[];
  /** e.g. `slackConfigs`. */
  readonly crdKey: string;
  readonly crdConfig: { [key: string]: unknown };
}

/**
 * A setting an integration left to the routing's `receiverDefaults`, as Alertmanager's global section fills
 * it (config.go: an email config takes the global smarthost, sender, username, password and TLS requirement
 * it does not set; a Slack config the global API URL). @internal
 */
export type DefaultedField = 'smtpSmarthost' | 'smtpFrom' | 'smtpAuth' | 'smtpRequireTls' | 'slackApiUrl';

/** One integration of a receiver: its renderings and the settings it takes from the routing's defaults. @internal */
export interface IntegrationSpec extends ReceiverParts {
  /** What kind of integration, for errors, e.g. `email`. */
  readonly kind: string;
  /** Settings left to the routing's `receiverDefaults`. */
  readonly defaulted: ReadonlyArray<DefaultedField>;
}

/** A receiver: its name and the integrations it notifies (none for a receiver that drops what it is sent). @internal */
export interface ReceiverSpec {
  readonly name: string;
  readonly integrations: ReadonlyArray<IntegrationSpec>;
}

/** References to the message templates shipped beside alertmanager.yaml (`mlmon.tmpl`). @internal */
export const TEMPLATE = {
  title: '{{ template "mlmon.title" . }}',
  text: '{{ template "mlmon.text" . }}',
  html: '{{ template "mlmon.html" . }}',
  telegram: '{{ template "mlmon.telegram" . }}',
};

/** The same messages inlined, for AlertmanagerConfig receivers (an adopted Alertmanager has not our template file). @internal */
export const INLINE = {
  title: '[{{ .Status | toUpper }}] {{ .CommonLabels.alertname }}{{ with .CommonLabels.namespace }} in {{ . }}{{ end }}{{ with .CommonLabels.model }} ({{ . }}){{ end }}',
  text: '{{ range .Alerts }}*{{ .Annotations.summary }}*\n{{ .Annotations.description }}\n{{ with .Labels.namespace }}Tenant: {{ . }} {{ end }}'
    + '{{ with .Labels.model }}Model: {{ . }} {{ end }}Severity: {{ .Labels.severity }}\n{{ with .Annotations.dashboard_url }}Dashboard: {{ . }}\n{{ end }}'
    + '{{ with .Annotations.runbook_url }}Runbook: {{ . }}\n{{ end }}{{ end }}',
  telegram: '<b>{{ .Status | toUpper }}: {{ .CommonLabels.alertname }}</b>{{ range .Alerts }}\n<b>{{ .Annotations.summary }}</b>\n{{ .Annotations.description }}'
    + '{{ with .Labels.namespace }}\nTenant: {{ . }}{{ end }}{{ with .Labels.model }}\nModel: {{ . }}{{ end }}'
    + '{{ with .Annotations.runbook_url }}\n<a href="{{ . }}">Runbook</a>{{ end }}{{ end }}',
};

/** A credential prop: must be a SecretKey, never a plain string. @internal */
export function secretRef(w: string, prop: string, ref: SecretKey): SecretKey {
  secretKeySelector(w, prop, ref);
  return ref;
}

/** The SecretKeySelector of an already checked reference. @internal */
export function sel(ref: SecretKey): { name: string; key: string } {
  return secretKeySelector('', '', ref);
}
