import * as chat from './_chat-receivers';
import {
  DiscordReceiverOptions, EmailReceiverOptions, MsTeamsReceiverOptions, OpsgenieReceiverOptions, PagerDutyReceiverOptions, PushoverReceiverOptions,
  ReceiverOptions, RocketChatReceiverOptions, SlackReceiverOptions, SnsReceiverOptions, TelegramReceiverOptions, VictorOpsReceiverOptions,
  WebexReceiverOptions, WebhookReceiverOptions, WeChatReceiverOptions,
} from './receiver-options';
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
const TITLE = chat.INLINE.title;
const TEXT = chat.INLINE.text;

const sel = (ref: SecretKey) => ({ name: ref.secretName, key: ref.key });

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
    return new Receiver(w, o, {
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
    return new Receiver(w, o, {
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
    return new Receiver(w, o, {
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
    return new Receiver(w, o, {
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
    if ((o.url === undefined) === (o.urlSecret === undefined)) {
      throw invalidProp(w, 'url', o.url, 'exactly one of url (a plain URL) or urlSecret (a SecretKey, for URLs that carry a token)');
    }
    if (o.url !== undefined) {
      validateUrl(w, 'url', o.url);
      if (/[?&](token|key|secret|password|sig|code)=/i.test(o.url)) {
        throw invalidProp(w, 'url', o.url.replace(/\?.*$/, '?***'), 'a URL without credentials in it: give it as urlSecret, or the token as bearerToken (SecretKeys)');
      }
    }
    if (o.maxAlerts !== undefined && (!Number.isInteger(o.maxAlerts) || o.maxAlerts < 0)) throw invalidProp(w, 'maxAlerts', o.maxAlerts, 'a whole number of 0 or more');
    const urlRef = o.urlSecret !== undefined ? secret(w, 'urlSecret', o.urlSecret) : undefined;
    return new Receiver(w, o, {
      name,
      configsKey: 'webhook_configs',
      config: { url: o.url, send_resolved: o.sendResolved ?? true, max_alerts: o.maxAlerts },
      secrets: [
        ...(urlRef ? [{ fileField: 'url_file', ref: urlRef }] : []),
        ...(o.bearerToken ? [{ fileField: 'http_config.authorization.credentials_file', ref: secret(w, 'bearerToken', o.bearerToken) }] : []),
      ],
      crdKey: 'webhookConfigs',
      crdConfig: {
        url: o.url,
        urlSecret: urlRef ? sel(urlRef) : undefined,
        sendResolved: o.sendResolved ?? true,
        maxAlerts: o.maxAlerts,
        httpConfig: o.bearerToken ? { authorization: { type: 'Bearer', credentials: sel(o.bearerToken) } } : undefined,
      },
    });
  }

  /** Microsoft Teams through an Office 365 connector (incoming webhook). */
  public static msTeams(name: string, o: MsTeamsReceiverOptions): Receiver {
    const w = where('msTeams', name);
    return new Receiver(w, o, { name, ...chat.msTeams(o, (p, r) => secret(w, p, r)) });
  }

  /** Microsoft Teams through a Power Automate Workflows webhook (the successor of connectors). */
  public static msTeamsV2(name: string, o: MsTeamsReceiverOptions): Receiver {
    const w = where('msTeamsV2', name);
    return new Receiver(w, o, { name, ...chat.msTeamsV2(o, (p, r) => secret(w, p, r)) });
  }

  /** Discord (a channel webhook). */
  public static discord(name: string, o: DiscordReceiverOptions): Receiver {
    const w = where('discord', name);
    return new Receiver(w, o, { name, ...chat.discord(o, (p, r) => secret(w, p, r)) });
  }

  /** Telegram (a bot posting to a chat). */
  public static telegram(name: string, o: TelegramReceiverOptions): Receiver {
    const w = where('telegram', name);
    return new Receiver(w, o, { name, ...chat.telegram(w, o, (p, r) => secret(w, p, r)) });
  }

  /** Pushover (push notifications; critical alerts at emergency priority by default). */
  public static pushover(name: string, o: PushoverReceiverOptions): Receiver {
    const w = where('pushover', name);
    return new Receiver(w, o, { name, ...chat.pushover(w, o, (p, r) => secret(w, p, r)) });
  }

  /** WeChat Work. */
  public static weChat(name: string, o: WeChatReceiverOptions): Receiver {
    const w = where('weChat', name);
    return new Receiver(w, o, { name, ...chat.weChat(w, o, (p, r) => secret(w, p, r)) });
  }

  /** Amazon SNS, with the pod's AWS identity (no static keys). */
  public static sns(name: string, o: SnsReceiverOptions): Receiver {
    const w = where('sns', name);
    return new Receiver(w, o, { name, ...chat.sns(w, o) });
  }

  /** Rocket.Chat. */
  public static rocketChat(name: string, o: RocketChatReceiverOptions): Receiver {
    const w = where('rocketChat', name);
    return new Receiver(w, o, { name, ...chat.rocketChat(w, o, (p, r) => secret(w, p, r)) });
  }

  /** VictorOps (Splunk On-Call). */
  public static victorOps(name: string, o: VictorOpsReceiverOptions): Receiver {
    const w = where('victorOps', name);
    if (typeof o.routingKey !== 'string' || o.routingKey.trim() === '') throw invalidProp(w, 'routingKey', o.routingKey, 'a non-empty routing key');
    return new Receiver(w, o, {
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
    return new Receiver(w, o, {
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
    return new Receiver('', {}, { name, configsKey: '', config: {}, secrets: [], crdKey: '', crdConfig: {} });
  }

  /** The receiver's name, unique within a routing tree. */
  public readonly name: string;
  /** @internal */
  public readonly _spec: ReceiverSpec;

  private constructor(w: string, o: ReceiverOptions, spec: ReceiverSpec) {
    this.name = spec.name;
    this._spec = withHttpSettings(w, o, spec);
  }
}

/** Adds the proxy settings to both renderings' HTTP client configuration. */
function withHttpSettings(w: string, o: ReceiverOptions, spec: ReceiverSpec): ReceiverSpec {
  if (o.proxyUrl === undefined && !o.proxyFromEnvironment) return spec;
  if (spec.configsKey === 'email_configs' || spec.configsKey === '') throw invalidProp(w, 'proxyUrl', o.proxyUrl ?? 'proxyFromEnvironment', 'no proxy settings: this receiver makes no HTTP requests');
  if (o.proxyUrl !== undefined && o.proxyFromEnvironment) throw invalidProp(w, 'proxyFromEnvironment', true, 'proxyUrl or proxyFromEnvironment, not both');
  if (o.proxyUrl !== undefined) validateUrl(w, 'proxyUrl', o.proxyUrl);
  const http = o.proxyUrl !== undefined ? { proxy_url: o.proxyUrl } : { proxy_from_environment: true };
  const crdHttp = o.proxyUrl !== undefined ? { proxyURL: o.proxyUrl } : { proxyFromEnvironment: true };
  return {
    ...spec,
    config: { ...spec.config, http_config: { ...(spec.config.http_config as object | undefined), ...http } },
    crdConfig: { ...spec.crdConfig, httpConfig: { ...(spec.crdConfig.httpConfig as object | undefined), ...crdHttp } },
  };
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
