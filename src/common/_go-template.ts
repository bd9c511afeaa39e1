import { invalidProp } from './_errors';

/**
 * User text that Prometheus (alert labels and annotations) or Alertmanager (most receiver fields) reads as a
 * Go text/template. Text meant literally is escaped so it stays literal; text meant as a template is checked
 * the way Go's template parser checks it: actions closed, strings and comments closed, blocks balanced,
 * functions known to the tool. `promtool check rules` and `amtool template render` prove both in tests.
 * @internal
 */

/** Go's builtin template functions, defined in every tool. */
const BUILTINS = ['and', 'call', 'html', 'index', 'slice', 'js', 'len', 'not', 'or', 'print', 'printf', 'println', 'urlquery', 'eq', 'ge', 'gt', 'le', 'lt', 'ne'];

/** Functions of Prometheus' alert templates (template/template.go, Prometheus 2.42 to 3.5). */
export const PROMETHEUS_FUNCS: ReadonlySet<string> = new Set([...BUILTINS,
  'query', 'first', 'label', 'value', 'strvalue', 'args', 'reReplaceAll', 'safeHtml', 'match', 'title', 'toUpper', 'toLower', 'graphLink',
  'tableLink', 'sortByLabel', 'humanize', 'humanize1024', 'humanizeDuration', 'humanizePercentage', 'humanizeTimestamp', 'toTime',
  'toDuration', 'now', 'pathPrefix', 'externalURL', 'parseDuration', 'stripPort', 'stripDomain', 'urlUnescape']);

/** Functions of Alertmanager's notification templates (template/template.go, Alertmanager 0.25 to 0.33). */
export const ALERTMANAGER_FUNCS: ReadonlySet<string> = new Set([...BUILTINS,
  'toUpper', 'toLower', 'title', 'trimSpace', 'join', 'match', 'safeHtml', 'safeUrl', 'urlUnescape', 'reReplaceAll', 'stringSlice',
  'date', 'tz', 'since', 'humanizeDuration', 'toJson', 'dict', 'list', 'append']);

/** Text that a Go template prints as written: every `{{` becomes an action that prints `{{`. */
export function literalText(text: string): string {
  return text.replace(/\{\{/g, '{{ "{{" }}');
}

/** Labels whose values are literal text, escaped for a tool that expands them as templates. */
export function literalValues(values: { [key: string]: string }): { [key: string]: string } {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, literalText(v)]));
}

const BLOCK_START = new Set(['if', 'range', 'with', 'define', 'block']);
/** Words in command position that are not functions: Go's other keywords and constants. */
const KEYWORDS = new Set(['end', 'else', 'template', 'break', 'continue', 'nil', 'true', 'false']);

/** The first problem Go's parser would report in `text`, in words, or undefined. */
export function templateProblem(text: string, funcs: ReadonlySet<string>): string | undefined {
  const blocks: string[] = [];
  let i = 0;
  while (true) {
    const open = text.indexOf('{{', i);
    if (open < 0) break;
    let j = open + 2;
    if (text.startsWith('- ', j) || text.startsWith('-\t', j) || text.startsWith('-\n', j)) j += 2;
    const start = j;
    // Scan to the closing delimiter, skipping strings, raw strings, character constants and comments.
    let close = -1;
    let depth = 0;
    while (j < text.length) {
      const c = text[j];
      if (text.startsWith('/*', j)) {
        const end = text.indexOf('*/', j + 2);
        if (end < 0) return `unclosed comment at character ${j}`;
        j = end + 2;
        continue;
      }
      if (c === '"' || c === '\'') {
        j++;
        while (j < text.length && text[j] !== c) {
          if (text[j] === '\\') j++;
          else if (text[j] === '\n') return `unterminated quoted string at character ${j}`;
          j++;
        }
        if (j >= text.length) return 'unterminated quoted string';
        j++;
        continue;
      }
      if (c === '`') {
        const end = text.indexOf('`', j + 1);
        if (end < 0) return 'unterminated raw string';
        j = end + 1;
        continue;
      }
      if (c === '(') depth++;
      if (c === ')' && --depth < 0) return `unexpected ")" at character ${j}`;
      if (text.startsWith(' -}}', j) || text.startsWith('\t-}}', j) || text.startsWith('\n-}}', j)) {
        close = j;
        i = j + 4;
        break;
      }
      if (text.startsWith('}}', j)) {
        close = j;
        i = j + 2;
        break;
      }
      j++;
    }
    if (close < 0) return `unclosed action "{{" at character ${open}`;
    if (depth !== 0) return `unclosed "(" in the action at character ${open}`;
    const action = text.slice(start, close).trim();
    if (action.startsWith('/*')) continue; // a comment
    if (action === '') return `empty action "{{ }}" at character ${open}`;
    const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(action)?.[0];
    if (word !== undefined && BLOCK_START.has(word)) {
      blocks.push(word);
    } else if (word === 'end') {
      if (blocks.pop() === undefined) return `unexpected {{ end }} at character ${open}`;
    } else if (word === 'else') {
      const top = blocks[blocks.length - 1];
      if (top !== 'if' && top !== 'range' && top !== 'with') return `unexpected {{ else }} at character ${open}`;
    }
    // Every identifier in command position (an action's first word, after "|" or "(") must be a function the tool defines.
    const commands = action.replace(/"(\\.|[^"\\])*"|`[^`]*`|'(\\.|[^'\\])*'/g, '""').split(/\||\(/);
    for (const command of commands) {
      const fn = /^\s*([A-Za-z_][A-Za-z0-9_]*)/.exec(command)?.[1];
      if (fn === undefined || BLOCK_START.has(fn) || KEYWORDS.has(fn)) continue;
      if (!funcs.has(fn)) return `function "${fn}" not defined`;
    }
  }
  if (blocks.length > 0) return `unclosed {{ ${blocks[blocks.length - 1]} }}: missing {{ end }}`;
  return undefined;
}

/** A template prop: refused, naming Go's complaint, if the tool's parser would refuse it. */
export function validateTemplate(where: string, prop: string, text: string, tool: 'Prometheus' | 'Alertmanager'): string {
  const problem = templateProblem(text, tool === 'Prometheus' ? PROMETHEUS_FUNCS : ALERTMANAGER_FUNCS);
  if (problem !== undefined) {
    throw invalidProp(where, prop, text, `text that ${tool} can parse as a Go template (${problem}); to print "{{" literally write {{ "{{" }}`);
  }
  return text;
}
