/**
 * Builds the one kind of error this library throws for bad input: it names where (a construct path or a
 * factory such as `SecretKey.of`), the prop, the value and the form that would have been accepted.
 * @internal
 */
export function invalidProp(where: string, prop: string, value: unknown, accepted: string): Error {
  return new Error(`${where}: invalid ${prop} ${describe(value)}: ${accepted}`);
}

/**
 * A stand-in for a value that must not be repeated in a message (it could be a credential): its text is
 * printed as it is, e.g. `(not repeated: it could hold a credential)`.
 * @internal
 */
export class Unrepeated {
  public constructor(public readonly text: string) {}
}

/** The stand-in for a value that could be a credential. @internal */
export const NOT_REPEATED = new Unrepeated('(not repeated: it could hold a credential)');

function describe(value: unknown): string {
  if (value instanceof Unrepeated) return value.text;
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') return String(value);
  if (value === undefined) return '(undefined)';
  if (value === null) return '(null)';
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
