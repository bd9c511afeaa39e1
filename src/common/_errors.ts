/**
 * Builds the one kind of error this library throws for bad input: it names where (a construct path or a
 * factory such as `SecretKey.of`), the prop, the value and the form that would have been accepted.
 * @internal
 */
export function invalidProp(where: string, prop: string, value: unknown, accepted: string): Error {
  return new Error(`${where}: invalid ${prop} ${describe(value)}: ${accepted}`);
}

function describe(value: unknown): string {
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
