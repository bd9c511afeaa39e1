import { validatePromLabelName } from './_names';
import { validateRe2 } from './_regex';

// The package's typings are ESM-only while this library compiles to CommonJS; its CommonJS build is
// loaded with require(), typed by the few members used here.
interface SyntaxNodeRef { readonly name: string; readonly from: number; readonly to: number; readonly type: { readonly isError: boolean } }
/** A node of the PromQL syntax tree: its grammar name, its span in the text, its children. @internal */
export interface PromQLNode {
  readonly name: string;
  readonly from: number;
  readonly to: number;
  readonly firstChild: PromQLNode | null;
  readonly nextSibling: PromQLNode | null;
}
interface PromQLParser {
  parse(input: string): {
    readonly topNode: PromQLNode;
    iterate(spec: { enter(node: SyntaxNodeRef): boolean | undefined; leave?(node: SyntaxNodeRef): void }): void;
  };
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { parser } = require('@prometheus-io/lezer-promql') as { parser: PromQLParser };

/**
 * Parses a PromQL expression with Prometheus' own lezer grammar and returns it trimmed. On a syntax
 * error it throws an Error that names where the expression came from (construct path and prop), shows
 * the expression and points at the first fault:
 *
 *     chart/rules: invalid PromQL in alert "ModelLatencyHigh" expr: unexpected input at column 11
 *       rate(x[5m]
 *                 ^
 *
 * The grammar checks syntax; type errors (e.g. `rate` over an instant vector) are left to Prometheus,
 * and the tests run `promtool check rules` over every rule we write.
 * @internal
 */
export function parsePromQL(expr: string, where: string, prop: string): string {
  if (typeof expr !== 'string' || expr.trim().length === 0) {
    throw new Error(`${where}: invalid PromQL in ${prop}: the expression is empty`);
  }
  const text = expr.trim();
  // Prometheus compiles every regex matcher with RE2 when it parses the rule: judge them the same way.
  for (const m of text.matchAll(REGEX_MATCHER)) {
    validateRe2(where, `${prop} regex matcher`, stringValue(m[2]));
  }
  // Whether an expression parses never depends on the contents of its string literals, so the outcome is
  // cached by the expression's shape with them blanked: the same rule for a thousand services parses once.
  const shape = promqlShape(text);
  if (VALID_SHAPES.has(shape)) return text;
  const errorAt = firstError(text);
  if (errorAt < 0) {
    if (VALID_SHAPES.size > 50_000) VALID_SHAPES.clear();
    VALID_SHAPES.add(shape);
    return text;
  }
  const reason = errorAt >= text.length ? 'the expression ends too early' : `unexpected input at column ${errorAt + 1}`;
  throw new Error(`${where}: invalid PromQL in ${prop}: ${reason}\n${caret(text, errorAt)}`);
}

/**
 * An expression with its string literals blanked: what its syntax, and the shape of its reads, depend on
 * (the same rule of a thousand services has one shape). @internal
 */
export function promqlShape(expr: string): string {
  return expr.replace(STRING_LITERAL, '""');
}

/** The syntax tree of an expression, by Prometheus' own grammar (a syntax error shows as error nodes). @internal */
export function promqlTree(expr: string): PromQLNode {
  return parser.parse(expr).topNode;
}

/**
 * The metric names an expression reads at the evaluation instant: its vector selectors outside any range
 * selector or subquery. @internal
 */
export function instantReads(expr: string): Set<string> {
  const reads = new Set<string>();
  const stack: string[] = [];
  parser.parse(expr).iterate({
    enter(n) {
      if (n.name === 'Identifier' && stack[stack.length - 1] === 'VectorSelector'
        && !stack.includes('MatrixSelector') && !stack.includes('SubqueryExpr')) {
        reads.add(expr.slice(n.from, n.to));
      }
      stack.push(n.name);
      return undefined;
    },
    leave() {
      stack.pop();
    },
  });
  return reads;
}

/** A regex matcher's operator and its string literal. */
const REGEX_MATCHER = /(=~|!~)\s*("(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|`[^`]*`)/g;
const STRING_LITERAL = /"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|`[^`]*`/g;
const VALID_SHAPES = new Set<string>();

/** The offset of the first syntax error, or -1. */
function firstError(text: string): number {
  const tree = parser.parse(text);
  let errorAt = -1;
  tree.iterate({
    enter(node) {
      if (errorAt >= 0) return false;
      if (node.type.isError) {
        errorAt = node.from;
        return false;
      }
      return undefined;
    },
  });
  return errorAt;
}

function caret(text: string, at: number): string {
  // Show the line holding the fault, with a caret under the faulty column.
  let start = text.lastIndexOf('\n', Math.max(0, at - 1)) + 1;
  if (at < start) start = 0;
  const endNl = text.indexOf('\n', at);
  const line = text.slice(start, endNl < 0 ? text.length : endNl);
  return `  ${line}\n  ${' '.repeat(Math.max(0, at - start))}^`;
}

/** A PromQL string literal. @internal */
export function quote(value: string): string {
  return JSON.stringify(value);
}

/** One label matcher. @internal */
export interface LabelMatcher {
  readonly name: string;
  readonly op: '=' | '!=' | '=~' | '!~';
  readonly value: string;
}

/** Renders a vector selector: `metric{a="b",c=~"d"}`. @internal */
export function selector(metric: string, matchers: ReadonlyArray<LabelMatcher>): string {
  if (matchers.length === 0) return metric;
  return `${metric}{${matchers.map(m => `${m.name}${m.op}${quote(m.value)}`).join(',')}}`;
}

/** The metric name of a plain vector selector (`x{a="b"}` → `x`); undefined for a selector without a name. @internal */
export function metricNameOf(sel: string): string | undefined {
  return /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(sel.trim())?.[0];
}

/** Equality matchers from a map, in key order for deterministic output. @internal */
export function equalityMatchers(labels: { [key: string]: string }): LabelMatcher[] {
  return Object.keys(labels).sort().map(name => ({ name, op: '=', value: labels[name] }));
}

/** Equality matchers from a user-given map, with every label name validated. @internal */
export function validatedEqualityMatchers(where: string, prop: string, labels: { [key: string]: string } | undefined): LabelMatcher[] {
  for (const k of Object.keys(labels ?? {})) validatePromLabelName(where, `${prop} key`, k);
  return equalityMatchers(labels ?? {});
}

/**
 * `matchers` narrowed to `scope` (e.g. the model's namespace): each scope matcher is added unless the
 * matchers already name its label, so an explicit matcher of the user's wins. @internal
 */
export function withScope(matchers: ReadonlyArray<LabelMatcher>, scope: ReadonlyArray<LabelMatcher>): LabelMatcher[] {
  return [...matchers, ...scope.filter(s => !matchers.some(m => m.name === s.name))];
}

/** Whether `text` (already parsed) is one plain vector selector: a metric name and/or matchers, nothing else. @internal */
export function isVectorSelector(text: string): boolean {
  const top = parser.parse(text).topNode.firstChild;
  return top !== null && top.name === 'VectorSelector' && top.from === 0 && top.to === text.length;
}

/** The metric name and label matchers of one plain vector selector (already parsed). @internal */
export function selectorParts(text: string): { readonly metric?: string; readonly matchers: LabelMatcher[] } {
  let metric: string | undefined;
  const matchers: LabelMatcher[] = [];
  // The matcher being read: its name, then its operator, then its value.
  let current: { name?: string; op?: LabelMatcher['op'] } | undefined;
  parser.parse(text).iterate({
    enter(n) {
      const t = text.slice(n.from, n.to);
      switch (n.name) {
        case 'Identifier':
          if (!current) metric ??= t;
          break;
        case 'UnquotedLabelMatcher':
        case 'QuotedLabelMatcher':
          current = {};
          break;
        case 'LabelName':
          if (current) current.name = t;
          break;
        case 'QuotedLabelName':
          // Inside a matcher it names the label; alone in the braces ({"metric_name"}), the metric.
          if (current) current.name = stringValue(t);
          else metric = stringValue(t);
          return false;
        case 'EqlSingle': case 'Neq': case 'EqlRegex': case 'NeqRegex':
          if (current) current.op = MATCH_OPS[n.name];
          break;
        case 'StringLiteral':
          if (current?.op) {
            matchers.push({ name: current.name!, op: current.op, value: stringValue(t) });
            current = undefined;
          }
          break;
      }
      return undefined;
    },
  });
  const named = matchers.find(m => m.name === '__name__' && m.op === '=');
  return { metric: metric ?? named?.value, matchers: matchers.filter(m => m !== named) };
}

const MATCH_OPS: { [node: string]: LabelMatcher['op'] } = { EqlSingle: '=', Neq: '!=', EqlRegex: '=~', NeqRegex: '!~' };

const GO_ESCAPES: { [c: string]: string } = { 'a': '\x07', 'b': '\b', 'f': '\f', 'n': '\n', 'r': '\r', 't': '\t', 'v': '\v', '\\': '\\', '\'': '\'', '"': '"' };

/**
 * The value of a PromQL string literal: backquoted raw, otherwise with Go's escapes (\n, \xHH, \uHHHH,
 * \UHHHHHHHH, \ooo octal; a \x or octal byte is taken as its code point).
 */
function stringValue(literal: string): string {
  const body = literal.slice(1, -1);
  if (literal.startsWith('`')) return body;
  return body.replace(/\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[0-7]{3}|[^])/g, (_, e: string) => {
    const code = /^[xuU]./.test(e) ? parseInt(e.slice(1), 16) : /^[0-7]{3}$/.test(e) ? parseInt(e, 8) : undefined;
    if (code !== undefined) return code <= 0x10ffff ? String.fromCodePoint(code) : e;
    return GO_ESCAPES[e] ?? e;
  });
}
