import { DefaultedField, sel } from './_receiver-spec';
import { Receiver } from './receiver';
import { ReceiverDefaults } from './routing-options';
import { definedOnly } from '../common/_object';
import { SecretKey } from '../common/secret-key';

/** Where the operator mounts a Secret listed in the Alertmanager's `secrets`. @internal */
export const SECRETS_DIR = '/etc/alertmanager/secrets';

/** Notification templates shipped next to alertmanager.yaml (the operator mounts them in /etc/alertmanager/config). @internal */
export const TEMPLATES = `{{ define "mlmon.title" }}[{{ .Status | toUpper }}{{ if eq .Status "firing" }}:{{ .Alerts.Firing | len }}{{ end }}] {{ .CommonLabels.alertname }}{{ with .CommonLabels.namespace }} in {{ . }}{{ end }}{{ with .CommonLabels.model }} ({{ . }}){{ end }}{{ end }}
{{ define "mlmon.text" }}{{ range .Alerts }}*{{ .Annotations.summary }}*
{{ .Annotations.description }}
{{ with .Labels.namespace }}Tenant: {{ . }}  {{ end }}{{ with .Labels.model }}Model: {{ . }}  {{ end }}Severity: {{ .Labels.severity }}
{{ with .Annotations.dashboard_url }}Dashboard: {{ . }}
{{ end }}{{ with .Annotations.runbook_url }}Runbook: {{ . }}
{{ end }}
{{ end }}{{ end }}
{{ define "mlmon.telegram" }}<b>{{ .Status | toUpper }}: {{ .CommonLabels.alertname }}</b>{{ range .Alerts }}
<b>{{ .Annotations.summary }}</b>
{{ .Annotations.description }}{{ with .Labels.namespace }}
Tenant: {{ . }}{{ end }}{{ with .Labels.model }}
Model: {{ . }}{{ end }}{{ with .Annotations.dashboard_url }}
<a href="{{ . }}">Dashboard</a>{{ end }}{{ with .Annotations.runbook_url }}
<a href="{{ . }}">Runbook</a>{{ end }}
{{ end }}{{ end }}
{{ define "mlmon.html" }}{{ range .Alerts }}<h3>{{ .Annotations.summary }}</h3><p>{{ .Annotations.description }}</p><p>Tenant: {{ .Labels.namespace }} Model: {{ .Labels.model }} Severity: {{ .Labels.severity }}</p>{{ with .Annotations.dashboard_url }}<p><a href="{{ . }}">Dashboard</a></p>{{ end }}{{ with .Annotations.runbook_url }}<p><a href="{{ . }}">Runbook</a></p>{{ end }}{{ end }}{{ end }}
`;

/** One receiver in alertmanager.yaml, its secrets as mounted files; what it leaves unset comes from `global`. @internal */
export function renderReceiver(r: Receiver): { [key: string]: unknown } {
  const out: { [key: string]: unknown[] } = {};
  for (const integration of r._spec.integrations) {
    const config: { [key: string]: unknown } = {};
    for (const [k, v] of Object.entries(integration.config)) if (v !== undefined) config[k] = v;
    for (const s of integration.secrets) setPath(config, s.fileField.split('.'), secretFile(s.ref));
    (out[integration.configsKey] ??= []).push(config);
  }
  return { name: r.name, ...out };
}

/** alertmanager.yaml's `global` section from the routing's receiver defaults. @internal */
export function renderGlobal(d: ReceiverDefaults | undefined): { [key: string]: unknown } {
  return definedOnly({
    resolve_timeout: '5m',
    smtp_smarthost: d?.smtpSmarthost,
    smtp_from: d?.smtpFrom,
    smtp_auth_username: d?.smtpAuthUsername,
    smtp_auth_password_file: d?.smtpAuthPassword && secretFile(d.smtpAuthPassword),
    smtp_require_tls: d?.smtpRequireTls,
    slack_api_url_file: d?.slackApiUrl && secretFile(d.slackApiUrl),
  });
}

function secretFile(ref: SecretKey): string {
  return `${SECRETS_DIR}/${ref.secretName}/${ref.key}`;
}

function setPath(obj: { [key: string]: any }, path: string[], value: string): void {
  let cur = obj;
  for (const p of path.slice(0, -1)) cur = (cur[p] ??= {});
  cur[path[path.length - 1]] = value;
}

/**
 * One receiver of an AlertmanagerConfig: secrets as SecretKeySelectors in the object's namespace. An
 * AlertmanagerConfig has no global section of its own (the adopted Alertmanager's applies), so the routing's
 * receiver defaults are written into each integration that leaves them unset. @internal
 */
export function renderCrdReceiver(r: Receiver, d: ReceiverDefaults | undefined): { [key: string]: unknown } {
  const out: { [key: string]: unknown[] } = {};
  for (const integration of r._spec.integrations) {
    const has = (f: DefaultedField) => integration.defaulted.includes(f);
    const inlined = definedOnly({
      smarthost: has('smtpSmarthost') ? d?.smtpSmarthost : undefined,
      from: has('smtpFrom') ? d?.smtpFrom : undefined,
      authUsername: has('smtpAuth') ? d?.smtpAuthUsername : undefined,
      authPassword: has('smtpAuth') && d?.smtpAuthPassword ? sel(d.smtpAuthPassword) : undefined,
      requireTLS: has('smtpRequireTls') ? d?.smtpRequireTls : undefined,
      apiURL: has('slackApiUrl') && d?.slackApiUrl ? sel(d.slackApiUrl) : undefined,
    });
    (out[integration.crdKey] ??= []).push(definedOnly({ ...integration.crdConfig, ...inlined }, { deep: true }));
  }
  return { name: r.name, ...out };
}
