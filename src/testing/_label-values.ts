import { RE2JS } from 're2js';
import { LabelMatcher } from '../common/_promql';

/*
 * Label values for generated input series: a value that a selector's matchers accept (and, for the
 * successful half of a ratio, one that the failures' matchers refuse). Values are judged with RE2, fully
 * anchored, as Prometheus matches them; a matcher no value can be found for is reported, never guessed.
 */

/** A value an RE2 regex matches in full, from a small walk of its syntax; undefined when none was found. */
export function exampleOf(regex: string): string | undefined {
  const candidates = [walk(regex), ...regex.split('|').map(walk)];
  return candidates.find(c => c !== undefined && fullMatch(regex, c));
}

/** Whether `value` passes the matcher, as Prometheus decides it (a missing label is the empty string). */
export function passes(m: LabelMatcher, value: string | undefined): boolean {
  const v = value ?? '';
  switch (m.op) {
    case '=': return v === m.value;
    case '!=': return v !== m.value;
    case '=~': return fullMatch(m.value, v);
    case '!~': return !fullMatch(m.value, v);
    default: return false;
  }
}

/** Whether a label set passes every matcher. */
export function passesAll(matchers: ReadonlyArray<LabelMatcher>, labels: { [k: string]: string }): boolean {
  return matchers.every(m => passes(m, labels[m.name]));
}

/** Values a label really takes, tried first (a runtime's own, from its source). */
export type KnownValues = { readonly [label: string]: ReadonlyArray<string> };

/**
 * Labels that pass `matchers` (and fail at least one of `refused`, when given), or a reason why none
 * were found. Equality gives its value, a regex an example of it; negative matchers leave the label out.
 */
export function labelsFor(matchers: ReadonlyArray<LabelMatcher>, refused?: ReadonlyArray<LabelMatcher>, known: KnownValues = {}):
{ labels: { [k: string]: string } } | { reason: string } {
  const labels: { [k: string]: string } = {};
  for (const m of matchers) {
    if (m.op === '=') {labels[m.name] = m.value;} else if (m.op === '=~') {
      const v = (known[m.name] ?? []).find(x => fullMatch(m.value, x)) ?? exampleOf(m.value);
      if (v === undefined) return { reason: `no value found that ${m.name}=~"${m.value}" matches` };
      labels[m.name] = v;
    }
  }
  if (!passesAll(matchers, labels)) return { reason: `no label set found that passes ${describe(matchers)}` };
  if (!refused || refused.length === 0 || !passesAll(refused, labels)) return { labels };
  // The successful half of a ratio: change one refused label to a value the failures' matchers refuse.
  for (const m of refused) {
    const current = labels[m.name] ?? '';
    for (const v of [...(known[m.name] ?? []), ...successValues(m, current)]) {
      const next = v === '' ? omit(labels, m.name) : { ...labels, [m.name]: v };
      if (passesAll(matchers, next) && !passesAll(refused, next)) return { labels: next };
    }
  }
  return { reason: `no label set found that passes ${describe(matchers)} and not ${describe(refused)}` };
}

/** Values to try for a success: the failure's value with its class changed (500 → 200, 5xx → 2xx), then common ones. */
function successValues(m: LabelMatcher, current: string): string[] {
  const example = m.op === '=' ? m.value : m.op === '=~' ? exampleOf(m.value) ?? current : current;
  const shifted = /^5/.test(example) ? `2${example.slice(1)}` : undefined;
  return [shifted, '200', '2xx', 'OK', 'ok', 'success', 'true', ''].filter((v): v is string => v !== undefined);
}

function omit(labels: { [k: string]: string }, name: string): { [k: string]: string } {
  const { [name]: _, ...rest } = labels;
  return rest;
}

function describe(matchers: ReadonlyArray<LabelMatcher>): string {
  return `{${matchers.map(m => `${m.name}${m.op}${JSON.stringify(m.value)}`).join(',')}}`;
}

function fullMatch(regex: string, value: string): boolean {
  try {
    return RE2JS.compile(`^(?:${regex})$`).matches(value);
  } catch {
    return false;
  }
}

/**
 * A string built from the regex's first alternative: literals kept, `.` as `0`, a class as its first
 * member, `?` and `*` as none, `+` and `{n,m}` as n copies. The caller checks the result with RE2.
 */
function walk(regex: string): string | undefined {
  let i = 0;
  const alternation = (): string | undefined => {
    const first = sequence();
    while (regex[i] === '|') {
      i++;
      sequence();
    }
    return first;
  };
  const sequence = (): string | undefined => {
    let out = '';
    while (i < regex.length && regex[i] !== '|' && regex[i] !== ')') {
      const atom = single();
      if (atom === undefined) return undefined;
      const q = regex[i];
      if (q === '?' || q === '*') {
        i++;
        if (regex[i] === '?') i++;
      } else if (q === '+') {
        i++;
        if (regex[i] === '?') i++;
        out += atom;
      } else if (q === '{') {
        const m = /^\{(\d+)(,\d*)?\}/.exec(regex.slice(i));
        if (!m) return undefined;
        i += m[0].length;
        out += atom.repeat(Number(m[1]));
      } else {
        out += atom;
      }
    }
    return out;
  };
  const single = (): string | undefined => {
    const c = regex[i];
    if (c === '(') {
      i++;
      if (regex[i] === '?') {
        const m = /^\?(:|P?<\w+>|[imsU-]+:)/.exec(regex.slice(i));
        if (!m) return undefined;
        i += m[0].length;
      }
      const inner = alternation();
      if (regex[i] !== ')') return undefined;
      i++;
      return inner;
    }
    if (c === '[') {
      const end = regex.indexOf(']', i + 2);
      if (end < 0 || regex[i + 1] === '^') return undefined;
      const first = regex[i + 1] === '\\' ? escaped(regex[i + 2]) : regex[i + 1];
      i = end + 1;
      return first;
    }
    if (c === '.') {
      i++;
      return '0';
    }
    if (c === '^' || c === '$') {
      i++;
      return '';
    }
    if (c === '\\') {
      i += 2;
      return escaped(regex[i - 1]);
    }
    i++;
    return c;
  };
  const result = alternation();
  return i === regex.length ? result : undefined;
}

function escaped(c: string | undefined): string | undefined {
  if (c === undefined) return undefined;
  if (c === 'd') return '0';
  if (c === 'w') return 'a';
  if (c === 's') return ' ';
  if (/[a-zA-Z]/.test(c)) return undefined;
  return c;
}
