/*
 * The notification messages, written once. An Alertmanager the library owns reads them from the template
 * file shipped beside alertmanager.yaml (`mlmon.tmpl`) and each receiver refers to them by name; an
 * adopted Alertmanager has not that file, so an AlertmanagerConfig receiver carries the same bodies
 * inline. Both renderings come from the bodies below, so they cannot drift apart.
 */

/** The kinds of message a receiver sends. @internal */
export const MESSAGE_KINDS = ['title', 'text', 'html', 'telegram'] as const;

/** A kind of message. @internal */
export type MessageKind = typeof MESSAGE_KINDS[number];

const TITLE = '[{{ .Status | toUpper }}{{ if eq .Status "firing" }}:{{ .Alerts.Firing | len }}{{ end }}] {{ .CommonLabels.alertname }}'
  + '{{ with .CommonLabels.namespace }} in {{ . }}{{ end }}{{ with .CommonLabels.model }} ({{ . }}){{ end }}';

/** Plain text (Markdown-ish bold for chat tools that render it). */
const TEXT = '{{ range .Alerts }}*{{ .Annotations.summary }}*\n{{ .Annotations.description }}\n'
  + '{{ with .Labels.namespace }}Tenant: {{ . }}  {{ end }}{{ with .Labels.model }}Model: {{ . }}  {{ end }}Severity: {{ .Labels.severity }}\n'
  + '{{ with .Annotations.dashboard_url }}Dashboard: {{ . }}\n{{ end }}{{ with .Annotations.runbook_url }}Runbook: {{ . }}\n{{ end }}\n{{ end }}';

/** Email bodies. */
const HTML = '{{ range .Alerts }}<h3>{{ .Annotations.summary }}</h3><p>{{ .Annotations.description }}</p>'
  + '<p>{{ with .Labels.namespace }}Tenant: {{ . }} {{ end }}{{ with .Labels.model }}Model: {{ . }} {{ end }}Severity: {{ .Labels.severity }}</p>'
  + '{{ with .Annotations.dashboard_url }}<p><a href="{{ . }}">Dashboard</a></p>{{ end }}{{ with .Annotations.runbook_url }}<p><a href="{{ . }}">Runbook</a></p>{{ end }}{{ end }}';

/** Telegram's HTML parse mode knows a few tags only (b, i, a, code, pre). */
const TELEGRAM = '<b>{{ .Status | toUpper }}{{ if eq .Status "firing" }}:{{ .Alerts.Firing | len }}{{ end }} {{ .CommonLabels.alertname }}</b>{{ range .Alerts }}\n'
  + '<b>{{ .Annotations.summary }}</b>\n{{ .Annotations.description }}{{ with .Labels.namespace }}\nTenant: {{ . }}{{ end }}'
  + '{{ with .Labels.model }}\nModel: {{ . }}{{ end }}{{ with .Annotations.dashboard_url }}\n<a href="{{ . }}">Dashboard</a>{{ end }}'
  + '{{ with .Annotations.runbook_url }}\n<a href="{{ . }}">Runbook</a>{{ end }}\n{{ end }}';

const BODIES: { readonly [kind in MessageKind]: string } = { title: TITLE, text: TEXT, html: HTML, telegram: TELEGRAM };

/** A message's body, for a receiver of an AlertmanagerConfig. @internal */
export function messageBody(kind: MessageKind): string {
  return BODIES[kind];
}

/** A reference to a message of the template file, for a receiver of alertmanager.yaml. @internal */
export function messageRef(kind: MessageKind): string {
  return `{{ template "mlmon.${kind}" . }}`;
}

/** The template file shipped beside alertmanager.yaml: every message, defined under its name. @internal */
export const MESSAGE_TEMPLATES = Object.entries(BODIES).map(([kind, body]) => `{{ define "mlmon.${kind}" }}${body}{{ end }}\n`).join('');
