import { RE2JS } from 're2js';
import { invalidProp } from './_errors';
import { isPromLabelName } from './_names';

/*
 * Regular expressions are judged the way the tools that read them judge them: Prometheus (label matchers,
 * relabelings) and Alertmanager (route matchers) compile them with Go's regexp, RE2 syntax, fully anchored.
 * JavaScript's RegExp is another language (it accepts lookarounds and backreferences, which Go refuses, and
 * refuses `(?i)` and `(?P<name>...)`, which Go accepts), so it is never used to judge them.
 */

/**
 * `value` if Go's regexp compiles it both as written and anchored, else an Error naming `where` and `prop`
 * with RE2's own reason. Alertmanager compiles only the anchored form (`^(?:value)$`); Prometheus also parses
 * the value as written, so `a)|(b` passes Alertmanager and breaks a Prometheus rule: the stricter of the two
 * is the rule. A regex valid as written is valid anchored too. @internal
 */
export function validateRe2(where: string, prop: string, value: unknown): string {
  if (typeof value !== 'string') throw invalidProp(where, prop, value, 'a regular expression (RE2 syntax) as a string');
  // Whether a pattern compiles depends on the pattern alone: the same matcher of a thousand services compiles once.
  if (VALID_PATTERNS.has(value)) return value;
  try {
    RE2JS.compile(value);
    if (VALID_PATTERNS.size > 10_000) VALID_PATTERNS.clear();
    VALID_PATTERNS.add(value);
  } catch (e) {
    const reason = (e as Error).message.replace(/^error parsing regexp: /, '');
    throw invalidProp(where, prop, value, `a regular expression in RE2 syntax, as Prometheus and Alertmanager compile it (${reason}; ` +
      'RE2 has no lookarounds and no backreferences, and repeats at most 1000 times)');
  }
  return value;
}

const VALID_PATTERNS = new Set<string>();

/** Prometheus' own pattern for templated target labels (relabel.go), judged by RE2 in linear time. */
const RELABEL_TARGET = RE2JS.compile('^(?:(?:[a-zA-Z_]|\\$(?:\\{\\w+\\}|\\w+))+\\w*)+$');

/**
 * A relabeling's target label as Prometheus accepts it: a label name, or (replace action only) a template
 * with `$1`/`${name}` references to the regex's groups. @internal
 */
export function validateRelabelTarget(where: string, prop: string, value: unknown, templated: boolean): string {
  if (isPromLabelName(value)) return value;
  if (templated && typeof value === 'string' && RELABEL_TARGET.matches(value)) return value;
  throw invalidProp(where, prop, value, templated
    ? 'a label name, or a template of label-name characters and $1 / ${name} group references, e.g. "pod" or "${1}_total"'
    : 'a label name (letters, digits and "_", not starting with a digit): only the replace action expands $1 in a target label');
}
