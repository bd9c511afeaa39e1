import { invalidProp } from '../common/_errors';
import { validateUrl } from '../common/_names';
import { SecretKey } from '../common/secret-key';

/** A secret a receiver reads from a file: the Secret is mounted into Alertmanager, never inlined. @internal */
export interface ReceiverSecret {
  /** The alertmanager.yaml field that takes the file path, e.g. `api_url_file`, or a path such as `http_config.authorization.credentials_file`. */
  readonly fileField: string;
  readonly ref: SecretKey;
}

/** A receiver's Alertmanager rendering. @internal */
export interface ReceiverSpec {
  readonly name: string;
  /** e.g. `slack_configs`. */
  readonly configsKey: string;
  readonly config: { [key: string]: unknown };
  readonly secrets: ReceiverSecret[];
  /** The AlertmanagerConfig (v1alpha1) rendering: e.g. `slackConfigs`, with SecretKeySelectors. */
  readonly crdKey: string;
  readonly crdConfig: { [key: string]: unknown };
}

/** Message texts inlined in AlertmanagerConfig receivers (an adopted Alertmanager has not our template file). */
const TITLE = '[{{ .Status | toUpper }}] {{ .CommonLabels.alertname }}{{ with .CommonLabels.namespace }} in {{ . }}{{ end }}{{ with .CommonLabels.model }} ({{ . }}){{ end }}';
const TEXT = '{{ range .Alerts }}*{{ .Annotations.summary }}*\n{{ .Annotations.description }}\n{{ with .Labels.namespace }}Tenant: {{ . }} {{ end }}'
  + '{{ with .Labels.model }}Model: {{ . }} {{ end }}Severity: {{ .Labels.severity }}\n{{ with .Annotations.dashboard_url }}Dashboard: {{ . }}\n{{ end }}'
  + '{{ with .Annotations.runbook_url }}Runbook: {{ . }}\n{{ end }}{{ end }}';

const sel = (ref: SecretKey) => ({ name: ref.secretName, key: ref.key });

/** Options every receiver takes. */
export interface ReceiverOptions {
  /**
   * Also notify when the alert resolves.
   * @default true (false for email)
   */
  readonly sendResolved?: boolean;
}

/** A Slack receiver (incoming webhook). */
export interface SlackReceiverOptions extends ReceiverOptions {
  /** The channel, e.g. `#ml-alerts`. */
  readonly channel: string;
  /** The incoming-webhook URL, from a Secret. */
  readonly apiUrl: SecretKey;
}

/** An email receiver. */
export interface EmailReceiverOptions extends ReceiverOptions {
  /** The recipients, comma-separated or one address. */
  readonly to: string;
  /** The sender address. */
  readonly from: string;
  /** The SMTP server, `host:port`. */
  readonly smarthost: string;
  /**
   * The SMTP user name.
   * @default - no authentication
   */
  readonly authUsername?: string;
  /**
   * The SMTP password, from a Secret.
   * @default - no authentication
   */
  readonly authPassword?: SecretKey;
  /**
   * Require STARTTLS.
   * @default true
   */
  readonly requireTls?: boolean;
}

/** A PagerDuty receiver (Events API v2). */
export interface PagerDutyReceiverOptions extends ReceiverOptions {
  /** The integration's routing key, from a Secret. */
  readonly routingKey: SecretKey;
  /**
   * The Events API endpoint, e.g. `https://events.eu.pagerduty.com/v2/enqueue` for the EU service region.
   * @default - Alertmanager's default (https://events.pagerduty.com/v2/enqueue)
   */
  readonly url?: string;
}

/** An Opsgenie receiver. */
export interface OpsgenieReceiverOptions extends ReceiverOptions {
  /** The API key, from a Secret. */
  readonly apiKey: SecretKey;
  /**
   * Opsgenie priority (P1–P5), may use templates.
   * @default - Opsgenie's default
   */
  readonly priority?: string;
}

/** A webhook receiver: starts automated responses (a retraining pipeline, a scaler). */
export interface WebhookReceiverOptions extends ReceiverOptions {
  /** The endpoint, e.g. an Argo Events webhook EventSource. */
  readonly url: string;
  /**
   * A bearer token for the endpoint, from a Secret.
   * @default - no authorization header
   */
  readonly bearerToken?: SecretKey;
  /**
   * The most alerts sent in one message (0 = all).
   * @default 0
   */
  readonly maxAlerts?: number;
}

/** A VictorOps (Splunk On-Call) receiver. */
export interface VictorOpsReceiverOptions extends ReceiverOptions {
  /** The API key, from a Secret. */
  readonly apiKey: SecretKey;
  /** The routing key (not a secret). */
  readonly routingKey: string;
}

/** A Cisco Webex receiver. */
export interface WebexReceiverOptions extends ReceiverOptions {
  /** The room to post to. */
  readonly roomId: string;
  /** The bot token, from a Secret. */
  readonly botToken: SecretKey;
}

const NAME = /^[a-z0-9]([-a-z0-9_.]*[a-z0-9])?$/;

/**
 * Where alerts are delivered. Every credential is a `SecretKey`: the rendered alertmanager.yaml points at
 * the mounted Secret file (`*_file` fields), so no credential ever appears in synthesized YAML.
 */
export class Receiver {
  /** Slack. */
  public static slack(name: string, o: SlackReceiverOptions): Receiver {
    const w = where('slack', name);
    if (typeof o.channel !== 'string' || !/^[#@]?[^\s]+$/.test(o.channel)) throw invalidProp(w, 'channel', o.channel, 'a channel such as "#ml-alerts"');
    return new Receiver({
      name,
      configsKey: 'slack_configs',
      config: {
        channel: o.channel,
        send_resolved: o.sendResolved ?? true,
        title: '{{ template "mlmon.title" . }}',
        text: '{{ template "mlmon.text" . }}',
      },
      secrets: [{ fileField: 'api_url_file', ref: secret(w, 'apiUrl', o.apiUrl) }],
      crdKey: 'slackConfigs',
      crdConfig: { channel: o.channel, sendResolved: o.sendResolved ?? true, title: TITLE, text: TEXT, apiURL: sel(o.apiUrl) },
    });
  }

  /** Email. */
  public static email(name: string, o: EmailReceiverOptions): Receiver {
    const w = where('email', name);
    const addr = /^[^\s@,]+@[^\s@,]+\.[^\s@,]+$/;
    if (typeof o.to !== 'string' || !o.to.split(',').every(a => addr.test(a.trim()))) throw invalidProp(w, 'to', o.to, 'one or more email addresses, comma-separated');
    if (typeof o.from !== 'string' || !addr.test(o.from)) throw invalidProp(w, 'from', o.from, 'an email address');
    if (typeof o.smarthost !== 'string' || !/^[^\s:]+:\d{1,5}$/.test(o.smarthost)) throw invalidProp(w, 'smarthost', o.smarthost, 'host:port, e.g. smtp.example.com:587');
    if ((o.authUsername === undefined) !== (o.authPassword === undefined)) throw invalidProp(w, 'authPassword', 'only one of authUsername and authPassword', 'both or neither');
    return new Receiver({
      name,
      configsKey: 'email_configs',
      config: {
        to: o.to,
        from: o.from,
        smarthost: o.smarthost,
        auth_username: o.authUsername,
        require_tls: o.requireTls ?? true,
        send_resolved: o.sendResolved ?? false,
        headers: { Subject: '{{ template "mlmon.title" . }}' },
        html: '{{ template "mlmon.html" . }}',
      },
      secrets: o.authPassword ? [{ fileField: 'auth_password_file', ref: secret(w, 'authPassword', o.authPassword) }] : [],
      crdKey: 'emailConfigs',
      crdConfig: {
        to: o.to,
        from: o.from,
        smarthost: o.smarthost,
        authUsername: o.authUsername,
        requireTLS: o.requireTls ?? true,
        sendResolved: o.sendResolved ?? false,
        headers: [{ key: 'Subject', value: TITLE }],
        text: TEXT,
        authPassword: o.authPassword ? sel(o.authPassword) : undefined,
      },
    });
  }

  /** PagerDuty. */
  public static pagerDuty(name: string, o: PagerDutyReceiverOptions): Receiver {
    const w = where('pagerDuty', name);
    if (o.url !== undefined) validateUrl(w, 'url', o.url);
    return new Receiver({
      name,
      configsKey: 'pagerduty_configs',
      config: { send_resolved: o.sendResolved ?? true, url: o.url, description: '{{ template "mlmon.title" . }}', severity: '{{ if .CommonLabels.severity }}{{ .CommonLabels.severity }}{{ else }}error{{ end }}' },
      secrets: [{ fileField: 'routing_key_file', ref: secret(w, 'routingKey', o.routingKey) }],
      crdKey: 'pagerdutyConfigs',
      crdConfig: {
        sendResolved: o.sendResolved ?? true,
        url: o.url,
        description: TITLE,
        severity: '{{ if .CommonLabels.severity }}{{ .CommonLabels.severity }}{{ else }}error{{ end }}',
        routingKey: sel(o.routingKey),
      },
    });
  }

  /** Opsgenie. */
  public static opsgenie(name: string, o: OpsgenieReceiverOptions): Receiver {
    const w = where('opsgenie', name);
    return new Receiver({
      name,
      configsKey: 'opsgenie_configs',
      config: { send_resolved: o.sendResolved ?? true, message: '{{ template "mlmon.title" . }}', description: '{{ template "mlmon.text" . }}', priority: o.priority },
      secrets: [{ fileField: 'api_key_file', ref: secret(w, 'apiKey', o.apiKey) }],
      crdKey: 'opsgenieConfigs',
      crdConfig: { sendResolved: o.sendResolved ?? true, message: TITLE, description: TEXT, priority: o.priority, apiKey: sel(o.apiKey) },
    });
  }

  /** A webhook: the endpoint of an automated response such as a retraining pipeline. */
  public static webhook(name: string, o: WebhookReceiverOptions): Receiver {
    const w = where('webhook', name);
    validateUrl(w, 'url', o.url);
    if (/[?&](token|key|secret|password)=/i.test(o.url) || /\/\/[^/]*:[^/]*@/.test(o.url)) {
      throw invalidProp(w, 'url', o.url.replace(/\/\/[^/]*@/, '//***@'), 'a URL without credentials in it: give the token as bearerToken (a SecretKey)');
    }
    if (o.maxAlerts !== undefined && (!Number.isInteger(o.maxAlerts) || o.maxAlerts < 0)) throw invalidProp(w, 'maxAlerts', o.maxAlerts, 'a whole number of 0 or more');
    return new Receiver({
      name,
      configsKey: 'webhook_configs',
      config: { url: o.url, send_resolved: o.sendResolved ?? true, max_alerts: o.maxAlerts },
      secrets: o.bearerToken ? [{ fileField: 'http_config.authorization.credentials_file', ref: secret(w, 'bearerToken', o.bearerToken) }] : [],
      crdKey: 'webhookConfigs',
      crdConfig: {
        url: o.url,
        sendResolved: o.sendResolved ?? true,
        maxAlerts: o.maxAlerts,
        httpConfig: o.bearerToken ? { authorization: { type: 'Bearer', credentials: sel(o.bearerToken) } } : undefined,
      },
    });
  }

  /** VictorOps (Splunk On-Call). */
  public static victorOps(name: string, o: VictorOpsReceiverOptions): Receiver {
    const w = where('victorOps', name);
    if (typeof o.routingKey !== 'string' || o.routingKey.trim() === '') throw invalidProp(w, 'routingKey', o.routingKey, 'a non-empty routing key');
    return new Receiver({
      name,
      configsKey: 'victorops_configs',
      config: { routing_key: o.routingKey, send_resolved: o.sendResolved ?? true, entity_display_name: '{{ template "mlmon.title" . }}' },
      secrets: [{ fileField: 'api_key_file', ref: secret(w, 'apiKey', o.apiKey) }],
      crdKey: 'victoropsConfigs',
      crdConfig: { routingKey: o.routingKey, sendResolved: o.sendResolved ?? true, entityDisplayName: TITLE, apiKey: sel(o.apiKey) },
    });
  }

  /** Cisco Webex. */
  public static webex(name: string, o: WebexReceiverOptions): Receiver {
    const w = where('webex', name);
    if (typeof o.roomId !== 'string' || o.roomId.trim() === '') throw invalidProp(w, 'roomId', o.roomId, 'a non-empty room id');
    return new Receiver({
      name,
      configsKey: 'webex_configs',
      config: { room_id: o.roomId, send_resolved: o.sendResolved ?? true, api_url: 'https://webexapis.com/v1/messages', message: '{{ template "mlmon.text" . }}' },
      secrets: [{ fileField: 'http_config.authorization.credentials_file', ref: secret(w, 'botToken', o.botToken) }],
      crdKey: 'webexConfigs',
      crdConfig: {
        roomID: o.roomId,
        sendResolved: o.sendResolved ?? true,
        apiURL: 'https://webexapis.com/v1/messages',
        message: TEXT,
        httpConfig: { authorization: { type: 'Bearer', credentials: sel(o.botToken) } },
      },
    });
  }

  /** A receiver that drops what it is sent (for alerts routed nowhere on purpose). */
  public static none(name: string): Receiver {
    where('none', name);
    return new Receiver({ name, configsKey: '', config: {}, secrets: [], crdKey: '', crdConfig: {} });
  }

  /** The receiver's name, unique within a routing tree. */
  public readonly name: string;
  /** @internal */
  public readonly _spec: ReceiverSpec;

  private constructor(spec: ReceiverSpec) {
    this.name = spec.name;
    this._spec = spec;
  }
}

function where(kind: string, name: string): string {
  const w = `Receiver.${kind}`;
  if (typeof name !== 'string' || !NAME.test(name) || name.length > 63) {
    throw invalidProp(w, 'name', name, 'lower-case letters, digits, "-", "_" and ".", at most 63, e.g. "ml-oncall"');
  }
  return `${w}("${name}")`;
}

function secret(w: string, prop: string, ref: SecretKey): SecretKey {
  if (!(ref instanceof SecretKey)) throw invalidProp(w, prop, typeof ref === 'string' ? '(a plain string)' : ref, 'a SecretKey, e.g. SecretKey.of("slack", "webhook-url"): credentials never go into YAML');
  return ref;
}
