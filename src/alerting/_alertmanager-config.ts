import { ReceiverSpec } from './_receiver-spec';
import { Receiver } from './receiver';
import { definedOnly } from '../common/_object';

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

/** One receiver in alertmanager.yaml, its secrets as mounted files. @internal */
export function renderReceiver(r: Receiver): { [key: string]: unknown } {
  const spec: ReceiverSpec = r._spec;
  if (spec.configsKey === '') return { name: spec.name };
  const config: { [key: string]: unknown } = {};
  for (const [k, v] of Object.entries(spec.config)) if (v !== undefined) config[k] = v;
  for (const s of spec.secrets) setPath(config, s.fileField.split('.'), `${SECRETS_DIR}/${s.ref.secretName}/${s.ref.key}`);
  return { name: spec.name, [spec.configsKey]: [config] };
}

function setPath(obj: { [key: string]: any }, path: string[], value: string): void {
  let cur = obj;
  for (const p of path.slice(0, -1)) cur = (cur[p] ??= {});
  cur[path[path.length - 1]] = value;
}

/** One receiver of an AlertmanagerConfig: secrets as SecretKeySelectors in the object's namespace. @internal */
export function renderCrdReceiver(r: Receiver): { [key: string]: unknown } {
  const spec: ReceiverSpec = r._spec;
  if (spec.crdKey === '') return { name: spec.name };
  return { name: spec.name, [spec.crdKey]: [definedOnly(spec.crdConfig, { deep: true })] };
}

