import { INLINE, ReceiverParts, TEMPLATE, secretRef, sel } from './_receiver-spec';
import {
  DiscordReceiverOptions, MsTeamsReceiverOptions, PushoverReceiverOptions, RocketChatReceiverOptions, SnsReceiverOptions,
  TelegramReceiverOptions, WeChatReceiverOptions,
} from './receiver-options';
import { invalidProp } from '../common/_errors';
import { literalText } from '../common/_go-template';
import { validateUrl } from '../common/_names';
import { definedOnly } from '../common/_object';

/*
 * The receivers beyond the on-call tools: chat (Teams, Discord, Telegram, Rocket.Chat, WeChat), push
 * (Pushover) and SNS. Each renders alertmanager.yaml with credentials as `*_file` paths (Alertmanager 0.28
 * or later) and the AlertmanagerConfig rendering with SecretKeySelectors.
 */

function nonEmpty(w: string, prop: string, v: unknown, accepted: string): string {
  if (typeof v !== 'string' || v.trim() === '') throw invalidProp(w, prop, v, accepted);
  return v;
}

export function msTeams(w: string, o: MsTeamsReceiverOptions): ReceiverParts {
  const ref = secretRef(w, 'webhookUrl', o.webhookUrl);
  return {
    configsKey: 'msteams_configs',
    config: { title: TEMPLATE.title, summary: TEMPLATE.title, text: TEMPLATE.text },
    secrets: [{ fileField: 'webhook_url_file', ref }],
    crdKey: 'msteamsConfigs',
    crdConfig: { title: INLINE.title, summary: INLINE.title, text: INLINE.text, webhookUrl: sel(ref) },
  };
}

export function msTeamsV2(w: string, o: MsTeamsReceiverOptions): ReceiverParts {
  const ref = secretRef(w, 'webhookUrl', o.webhookUrl);
  return {
    configsKey: 'msteamsv2_configs',
    config: { title: TEMPLATE.title, text: TEMPLATE.text },
    secrets: [{ fileField: 'webhook_url_file', ref }],
    crdKey: 'msteamsv2Configs',
    crdConfig: { title: INLINE.title, text: INLINE.text, webhookURL: sel(ref) },
  };
}

export function discord(w: string, o: DiscordReceiverOptions): ReceiverParts {
  const ref = secretRef(w, 'webhookUrl', o.webhookUrl);
  return {
    configsKey: 'discord_configs',
    config: { title: TEMPLATE.title, message: TEMPLATE.text },
    secrets: [{ fileField: 'webhook_url_file', ref }],
    crdKey: 'discordConfigs',
    crdConfig: { title: INLINE.title, message: INLINE.text, apiURL: sel(ref) },
  };
}

export function telegram(w: string, o: TelegramReceiverOptions): ReceiverParts {
  const ref = secretRef(w, 'botToken', o.botToken);
  if (!Number.isSafeInteger(o.chatId) || o.chatId === 0) throw invalidProp(w, 'chatId', o.chatId, 'a Telegram chat id: a whole number, negative for groups and channels');
  return {
    configsKey: 'telegram_configs',
    config: { chat_id: o.chatId, parse_mode: 'HTML', message: TEMPLATE.telegram },
    secrets: [{ fileField: 'bot_token_file', ref }],
    crdKey: 'telegramConfigs',
    crdConfig: { chatID: o.chatId, parseMode: 'HTML', message: INLINE.telegram, botToken: sel(ref) },
  };
}

export function pushover(w: string, o: PushoverReceiverOptions): ReceiverParts {
  const userKey = secretRef(w, 'userKey', o.userKey);
  const token = secretRef(w, 'token', o.token);
  if (o.priority !== undefined && (!Number.isInteger(o.priority) || o.priority < -2 || o.priority > 2)) {
    throw invalidProp(w, 'priority', o.priority, 'a Pushover priority from -2 to 2');
  }
  const priority = o.priority !== undefined ? String(o.priority) : '{{ if eq .CommonLabels.severity "critical" }}2{{ else }}0{{ end }}';
  return {
    configsKey: 'pushover_configs',
    config: { title: TEMPLATE.title, message: TEMPLATE.text, priority },
    secrets: [{ fileField: 'user_key_file', ref: userKey }, { fileField: 'token_file', ref: token }],
    crdKey: 'pushoverConfigs',
    crdConfig: { title: INLINE.title, message: INLINE.text, priority, userKey: sel(userKey), token: sel(token) },
  };
}

export function weChat(w: string, o: WeChatReceiverOptions): ReceiverParts {
  const ref = secretRef(w, 'apiSecret', o.apiSecret);
  const corpId = nonEmpty(w, 'corpId', o.corpId, 'the WeChat Work corporation id');
  const agentId = nonEmpty(w, 'agentId', o.agentId, 'the WeChat Work application (agent) id');
  if (o.toUser !== undefined) nonEmpty(w, 'toUser', o.toUser, 'user ids separated by "|", or "@all"');
  if (o.toParty !== undefined) nonEmpty(w, 'toParty', o.toParty, 'department ids separated by "|"');
  return {
    configsKey: 'wechat_configs',
    config: { corp_id: corpId, agent_id: literalText(agentId), to_user: literalText(o.toUser ?? '@all'), to_party: optionalLiteral(o.toParty), message: TEMPLATE.text },
    secrets: [{ fileField: 'api_secret_file', ref }],
    crdKey: 'wechatConfigs',
    crdConfig: { corpID: corpId, agentID: literalText(agentId), toUser: literalText(o.toUser ?? '@all'), toParty: optionalLiteral(o.toParty), message: INLINE.text, apiSecret: sel(ref) },
  };
}

export function sns(w: string, o: SnsReceiverOptions): ReceiverParts {
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
      topic_arn: o.topicArn,
      sigv4: definedOnly({ region: o.region, role_arn: o.roleArn }),
      subject: TEMPLATE.title,
      message: TEMPLATE.text,
    },
    secrets: [],
    crdKey: 'snsConfigs',
    crdConfig: {
      topicARN: o.topicArn,
      sigv4: definedOnly({ region: o.region, roleArn: o.roleArn }),
      subject: INLINE.title,
      message: INLINE.text,
    },
  };
}

export function rocketChat(w: string, o: RocketChatReceiverOptions): ReceiverParts {
  const token = secretRef(w, 'token', o.token);
  const tokenId = secretRef(w, 'tokenId', o.tokenId);
  if (typeof o.channel !== 'string' || !/^[#@]?\S+$/.test(o.channel)) throw invalidProp(w, 'channel', o.channel, 'a channel such as "#ml-alerts"');
  if (o.apiUrl !== undefined) validateUrl(w, 'apiUrl', o.apiUrl);
  return {
    configsKey: 'rocketchat_configs',
    config: { channel: literalText(o.channel), api_url: o.apiUrl, title: TEMPLATE.title, text: TEMPLATE.text },
    secrets: [{ fileField: 'token_file', ref: token }, { fileField: 'token_id_file', ref: tokenId }],
    crdKey: 'rocketchatConfigs',
    crdConfig: {
      channel: literalText(o.channel),
      apiURL: o.apiUrl,
      title: INLINE.title,
      text: INLINE.text,
      token: sel(token),
      tokenID: sel(tokenId),
    },
  };
}


function optionalLiteral(text: string | undefined): string | undefined {
  return text === undefined ? undefined : literalText(text);
}
