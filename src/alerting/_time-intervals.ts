/**
 * Time-interval fields judged as Alertmanager's timeinterval package parses them (test/alerting/time-intervals.test.ts
 * compares every case with amtool check-config).
 * @internal
 */
const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];

/** A days_of_month entry as Alertmanager's timeinterval parses it. */
export function isDayOfMonthRange(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  const parts = /^(-?\d{1,2})(?::(-?\d{1,2}))?$/.exec(value);
  if (!parts) return false;
  const begin = Number(parts[1]);
  const end = Number(parts[2] ?? parts[1]);
  const valid = (d: number) => d !== 0 && d >= -31 && d <= 31;
  if (!valid(begin) || !valid(end)) return false;
  // Alertmanager compares the two ends as days of a 30-day month when either is negative.
  const abs = (d: number) => (d < 0 ? 30 + d : d);
  return !(begin > 0 && end < 0) ? abs(begin) <= abs(end) : true;
}

/** A months entry: names in any case or numbers 1-12, as a forward range. */
export function isMonthRange(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  const month = (x: string) => (/^\d{1,2}$/.test(x) ? Number(x) : MONTHS.indexOf(x.toLowerCase()) + 1);
  const parts = value.split(':');
  if (parts.length > 2) return false;
  const [a, b] = [month(parts[0]), month(parts[1] ?? parts[0])];
  return a >= 1 && a <= 12 && b >= 1 && b <= 12 && a <= b;
}

/** A location Go's time.LoadLocation finds in the IANA database. */
export function isLocation(value: unknown): boolean {
  if (typeof value !== 'string' || !/^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(value)) return false;
  if (value === 'UTC' || value === 'Local') return true;
  try {
    const resolved = new Intl.DateTimeFormat('en-US', { timeZone: value }).resolvedOptions().timeZone;
    // Intl ignores case; Go reads the zone's file by name, so the case must be the database's.
    return resolved === value || Intl.supportedValuesOf('timeZone').includes(value) || /^([A-Z][A-Za-z0-9_+\-]*\/?)+$/.test(value);
  } catch {
    return false;
  }
}
