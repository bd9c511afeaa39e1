import {
  DiscordReceiverOptions, MsTeamsReceiverOptions, PushoverReceiverOptions, RocketChatReceiverOptions, SnsReceiverOptions,
  TelegramReceiverOptions, WeChatReceiverOptions,
} from './receiver-options';
import { invalidProp } from '../common/_errors';
import { validateUrl } from '../common/_names';
import { SecretKey } from '../common/secret-key';

/**
 * The receivers beyond the on-call tools: chat (Teams, Discord, Telegram, Rocket.Chat, WeChat), push
 * (Pushover) and SNS. Each renders alertmanager.yaml with credentials as `*_file` paths (Alertmanager
 * 0.28 or later) and the AlertmanagerConfig rendering with SecretKeySelectors.
 * @internal
 */
export interface SpecParts {
  readonly configsKey: string;
  readonly config: { [key: string]: unknown };
  readonly secrets: { fileField: string; ref: SecretKey }[];
  readonly crdKey: string;
  readonly crdConfig: { [key: string]: unknown };
}

/** Message texts inlined in AlertmanagerConfig receivers (an adopted Alertmanager has not our template file). @internal */
export const INLINE = {
  title: '[{{ .Status | toUpper }}] {{ .CommonLabels.alertname }}{{ with .CommonLabels.namespace }} in {{ . }}{{ end }}{{ with .CommonLabels.model }} ({{ . }}){{ end }}',
  text: '{{ range .Alerts }}*{{ .Annotations.summary }}*\n{{ .Annotations.description }}\n{{ with .Labels.namespace }}Tenant: {{ . }} {{ end }}'
    + '{{ with .Labels.model }}Model: {{ . }} {{ end }}Severity: {{ .Labels.severity }}\n{{ with .Annotations.dashboard_url }}Dashboard: {{ . }}\n{{ end }}'
    + '{{ with .Annotations.runbook_url }}Runbook: {{ . }}\n{{ end }}{{ end }}',
  telegram: '<b>{{ .Status | toUpper }}: {{ .CommonLabels.alertname }}</b>{{ range .Alerts }}\n<b>{{ .Annotations.summary }}</b>\n{{ .Annotations.description }}'
    + '{{ with .Labels.namespace }}\nTenant: {{ . }}{{ end }}{{ with .Labels.model }}\nModel: {{ . }}{{ end }}'
    + '{{ with .Annotations.runbook_url }}\n<a href="{{ . }}">Runbook</a>{{ end }}{{ end }}',
};
const TITLE = '{{ template "mlmon.title" . }}';
const TEXT = '{{ template "mlmon.text" . }}';
const sel = (ref: SecretKey) => ({ name: ref.secretName, key: ref.key });

function nonEmpty(w: string, prop: string, v: unknown, accepted: string): string {
  if (typeof v !== 'string' || v.trim() === '') throw invalidProp(w, prop, v, accepted);
  return v;
}

export function msTeams(o: MsTeamsReceiverOptions, secret: (prop: string, ref: SecretKey) => SecretKey): SpecParts {
  const ref = secret('webhookUrl', o.webhookUrl);
  return {
    configsKey: 'msteams_configs',
    config: { send_resolved: o.sendResolved ?? true, title: TITLE, summary: TITLE, text: TEXT },
    secrets: [{ fileField: 'webhook_url_file', ref }],
    crdKey: 'msteamsConfigs',
    crdConfig: { sendResolved: o.sendResolved ?? true, title: INLINE.title, summary: INLINE.title, text: INLINE.text, webhookUrl: sel(ref) },
  };
}

export function msTeamsV2(o: MsTeamsReceiverOptions, secret: (prop: string, ref: SecretKey) => SecretKey): SpecParts {
  const ref = secret('webhookUrl', o.webhookUrl);
  return {
    configsKey: 'msteamsv2_configs',
    config: { send_resolved: o.sendResolved ?? true, title: TITLE, text: TEXT },
    secrets: [{ fileField: 'webhook_url_file', ref }],
    crdKey: 'msteamsv2Configs',
    crdConfig: { sendResolved: o.sendResolved ?? true, title: INLINE.title, text: INLINE.text, webhookURL: sel(ref) },
  };
}

export function discord(o: DiscordReceiverOptions, secret: (prop: string, ref: SecretKey) => SecretKey): SpecParts {
  const ref = secret('webhookUrl', o.webhookUrl);
  return {
    configsKey: 'discord_configs',
    config: { send_resolved: o.sendResolved ?? true, title: TITLE, message: TEXT },
    secrets: [{ fileField: 'webhook_url_file', ref }],
    crdKey: 'discordConfigs',
    crdConfig: { sendResolved: o.sendResolved ?? true, title: INLINE.title, message: INLINE.text, apiURL: sel(ref) },
  };
}

export function telegram(w: string, o: TelegramReceiverOptions, secret: (prop: string, ref: SecretKey) => SecretKey): SpecParts {
  const ref = secret('botToken', o.botToken);
  if (!Number.isSafeInteger(o.chatId) || o.chatId === 0) throw invalidProp(w, 'chatId', o.chatId, 'a Telegram chat id: a whole number, negative for groups and channels');
  return {
    configsKey: 'telegram_configs',
    config: { send_resolved: o.sendResolved ?? true, chat_id: o.chatId, parse_mode: 'HTML', message: '{{ template "mlmon.telegram" . }}' },
    secrets: [{ fileField: 'bot_token_file', ref }],
    crdKey: 'telegramConfigs',
    crdConfig: { sendResolved: o.sendResolved ?? true, chatID: o.chatId, parseMode: 'HTML', message: INLINE.telegram, botToken: sel(ref) },
  };
}

export function pushover(w: string, o: PushoverReceiverOptions, secret: (prop: string, ref: SecretKey) => SecretKey): SpecParts {
  const userKey = secret('userKey', o.userKey);
  const token = secret('token', o.token);
  if (o.priority !== undefined && (!Number.isInteger(o.priority) || o.priority < -2 || o.priority > 2)) {
    throw invalidProp(w, 'priority', o.priority, 'a Pushover priority from -2 to 2');
  }
  const priority = o.priority !== undefined ? String(o.priority) : '{{ if eq .CommonLabels.severity "critical" }}2{{ else }}0{{ end }}';
  return {
    configsKey: 'pushover_configs',
    config: { send_resolved: o.sendResolved ?? true, title: TITLE, message: TEXT, priority },
    secrets: [{ fileField: 'user_key_file', ref: userKey }, { fileField: 'token_file', ref: token }],
    crdKey: 'pushoverConfigs',
    crdConfig: {
      sendResolved: o.sendResolved ?? true, title: INLINE.title, message: INLINE.text, priority, userKey: sel(userKey), token: sel(token),
    },
  };
}

export function weChat(w: string, o: WeChatReceiverOptions, secret: (prop: string, ref: SecretKey) => SecretKey): SpecParts {
  const ref = secret('apiSecret', o.apiSecret);
  const corpId = nonEmpty(w, 'corpId', o.corpId, 'the WeChat Work corporation id');
  const agentId = nonEmpty(w, 'agentId', o.agentId, 'the WeChat Work application (agent) id');
  return {
    configsKey: 'wechat_configs',
    config: { send_resolved: o.sendResolved ?? true, corp_id: corpId, agent_id: agentId, to_user: o.toUser ?? '@all', to_party: o.toParty, message: TEXT },
    secrets: [{ fileField: 'api_secret_file', ref }],
    crdKey: 'wechatConfigs',
    crdConfig: { sendResolved: o.sendResolved ?? true, corpID: corpId, agentID: agentId, toUser: o.toUser ?? '@all', toParty: o.toParty, message: INLINE.text, apiSecret: sel(ref) },
  };
}

export function sns(w: string, o: SnsReceiverOptions): SpecParts {
  if (typeof o.topicArn !== 'string' || !/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?$/.test(o.topicArn)) {
    throw invalidProp(w, 'topicArn', o.topicArn, 'an SNS topic ARN, e.g. "arn:aws:sns:eu-west-1:123456789012:ml-alerts"');
  }
  if (typeof o.region !== 'string' || !/^[a-z]{2}(-[a-z]+)+-\d$/.test(o.region)) throw invalidProp(w, 'region', o.region, 'an AWS region, e.g. "eu-west-1"');
  if (o.roleArn !== undefined && !/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/.test(o.roleArn)) {
    throw invalidProp(w, 'roleArn', o.roleArn, 'an IAM role ARN, e.g. "arn:aws:iam::123456789012:role/alertmanager"');
  }
  return {
    configsKey: 'sns_configs',
    config: {
      send_resolved: o.sendResolved ?? true,
      topic_arn: o.topicArn,
      sigv4: clean({ region: o.region, role_arn: o.roleArn }),
      subject: TITLE,
      message: TEXT,
    },
    secrets: [],
    crdKey: 'snsConfigs',
    crdConfig: {
      sendResolved: o.sendResolved ?? true,
      topicARN: o.topicArn,
      sigv4: clean({ region: o.region, roleArn: o.roleArn }),
      subject: INLINE.title,
      message: INLINE.text,
    },
  };
}

export function rocketChat(w: string, o: RocketChatReceiverOptions, secret: (prop: string, ref: SecretKey) => SecretKey): SpecParts {
  const token = secret('token', o.token);
  const tokenId = secret('tokenId', o.tokenId);
  if (typeof o.channel !== 'string' || !/^[#@]?\S+$/.test(o.channel)) throw invalidProp(w, 'channel', o.channel, 'a channel such as "#ml-alerts"');
  if (o.apiUrl !== undefined) validateUrl(w, 'apiUrl', o.apiUrl);
  return {
    configsKey: 'rocketchat_configs',
    config: { send_resolved: o.sendResolved ?? true, channel: o.channel, api_url: o.apiUrl, title: TITLE, text: TEXT },
    secrets: [{ fileField: 'token_file', ref: token }, { fileField: 'token_id_file', ref: tokenId }],
    crdKey: 'rocketchatConfigs',
    crdConfig: {
      sendResolved: o.sendResolved ?? true,
      channel: o.channel,
      apiURL: o.apiUrl,
      title: INLINE.title,
      text: INLINE.text,
      token: sel(token),
      tokenID: sel(tokenId),
    },
  };
}

function clean(o: { [key: string]: unknown }): { [key: string]: unknown } {
  const out: { [key: string]: unknown } = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
  return out;
}
