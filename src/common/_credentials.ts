/**
 * The one judge of whether a URL or an HTTP header carries a credential. Every prop that takes a URL or
 * headers asks it; what it finds must come through a `SecretKey`, since a plain value is written into the
 * YAML as it is. It errs on the side of refusing: a false alarm costs the user a Secret, a miss leaks one.
 * @internal
 */

/** Hosts (after normalising case, trailing dots and port) whose webhook URLs are themselves the credential. */
const SECRET_URL_HOSTS: ReadonlyArray<{ readonly host: RegExp; readonly path?: RegExp; readonly what: string }> = [
  { host: /(^|\.)hooks\.slack\.com$/, what: 'a Slack incoming-webhook URL' },
  { host: /(^|\.)hooks\.slack-gov\.com$/, what: 'a Slack incoming-webhook URL' },
  { host: /(^|\.)webhook\.office\.com$/, what: 'a Microsoft Teams connector URL' },
  { host: /^outlook\.office(365)?\.com$/, path: /^\/webhook(b2)?\//i, what: 'a Microsoft Teams connector URL' },
  { host: /(^|\.)logic\.azure\.com$/, what: 'an Azure Logic Apps (Teams Workflows) trigger URL' },
  { host: /(^|\.)discord(app)?\.com$/, path: /^\/api\/(v\d+\/)?webhooks\//i, what: 'a Discord webhook URL' },
  { host: /^api\.telegram\.org$/, path: /^\/bot/i, what: 'a Telegram bot URL' },
  { host: /(^|\.)hooks\.zapier\.com$/, what: 'a Zapier hook URL' },
  { host: /^maker\.ifttt\.com$/, what: 'an IFTTT webhook URL' },
  { host: /^events\.(eu\.)?pagerduty\.com$/, path: /^\/integration\//i, what: 'a PagerDuty integration URL' },
  { host: /(^|\.)webhook\.site$/, what: 'a webhook.site URL' },
];

/** Words that, as a query parameter's name or a part of it, name a credential. */
const SECRET_WORDS = /(^|_)(token|access_?token|refresh_?token|id_?token|api_?key|apikey|key|secret|client_?secret|password|passwd|pwd|pass|passphrase|sig|signature|auth|authorization|credentials?|code|session|session_?id|sid|jwt|bearer|private_?token|hmac|otp)($|_)/;
/** Words that, anywhere in a header's name, say it carries a credential. */
const SECRET_HEADER = /(auth|token|key|secret|passw|cookie|session|credential|signature|jwt|bearer|csrf|xsrf)/i;
/** Segments after which a path carries a token (Mattermost `/hooks/<id>`, Rocket.Chat `/hooks/<id>/<token>`). */
const HOOK_SEGMENT = /^(hooks?|webhooks?|services|integrations?|triggers?)$/i;

/** A path segment or value shaped like a generated token: long, mixed case and digits. */
function tokenLike(s: string): boolean {
  return s.length >= 24 && /^[A-Za-z0-9_\-.~+/=]+$/.test(s) && /[a-z]/.test(s) && /[A-Z]/.test(s) && /[0-9]/.test(s);
}

/** A generated identifier after a hook segment: at least 16 letters and digits with both in it. */
function hookIdLike(s: string): boolean {
  return s.length >= 16 && /^[A-Za-z0-9_-]+$/.test(s) && /[A-Za-z]/.test(s) && /[0-9]/.test(s);
}

function paramName(name: string): string {
  let n = name;
  try {
    n = decodeURIComponent(name);
  } catch {
    // a malformed escape is judged as written
  }
  return n.toLowerCase().replace(/[-.\s[\]]/g, '_');
}

function paramsOf(text: string): string[] {
  return text.replace(/^[?#]/, '').split(/[&;]/).filter(p => p.length > 0).map(p => p.split('=')[0]);
}

/**
 * What credential `value` carries, in words (e.g. 'a token query parameter "access_token"'), or
 * `undefined` if none is found. `value` must parse as a URL.
 */
export function urlCredential(value: string): string | undefined {
  const u = new URL(value);
  if (u.username !== '' || u.password !== '') return 'a user name or password (user:password@)';
  const host = u.hostname.toLowerCase().replace(/\.+$/, '');
  const path = u.pathname;
  for (const known of SECRET_URL_HOSTS) {
    if (known.host.test(host) && (known.path === undefined || known.path.test(path))) return known.what;
  }
  for (const part of [u.search, u.hash]) {
    const secret = paramsOf(part).find(p => SECRET_WORDS.test(paramName(p)));
    if (secret !== undefined) return `a credential parameter (${JSON.stringify(paramName(secret))})`;
  }
  const segments = path.split('/').map(s => {
    try {
      return decodeURIComponent(s);
    } catch {
      return s;
    }
  });
  for (let i = 0; i < segments.length; i++) {
    if (tokenLike(segments[i])) return 'a path segment shaped like a generated token';
    if (i > 0 && HOOK_SEGMENT.test(segments[i - 1]) && hookIdLike(segments[i])) return 'a webhook token in its path';
    if (/^(bot|key|token|secret|apikey|api_key)$/i.test(segments[i - 1] ?? '') && segments[i].length >= 8) return 'a key in its path';
  }
  return undefined;
}

/** Whether a header's name says it carries a credential (such a name may be repeated in a message). */
export function headerNamesCredential(name: string): boolean {
  return SECRET_HEADER.test(name) && !tokenLike(name);
}

/** Whether a header, by its name or the shape of its value, carries a credential. */
export function headerCarriesCredential(name: string, value: string): boolean {
  return headerNamesCredential(name) || tokenLike(name)
    || /^(bearer|basic|token|digest|negotiate|apikey|sharedaccesssignature)\s/i.test(value.trim())
    || tokenLike(value.trim());
}

/**
 * A URL as it may appear in an error message: scheme and host only when its path or query could hold a
 * credential, and nothing at all when it does not parse (its password could be what broke it).
 */
export function redactedUrl(value: unknown): string {
  if (typeof value !== 'string') return '(not text)';
  try {
    const u = new URL(value);
    const host = u.host.replace(/^.*@/, '');
    return `${u.protocol}//${host}/… (the rest not repeated: it could hold a credential)`;
  } catch {
    return '(not repeated: it could hold a credential)';
  }
}
