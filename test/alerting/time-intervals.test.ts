import { AlertRouting, Receiver, TimeIntervalOptions } from '../../src';
import { checkAlertmanagerConfig } from '../util/promtool';
import { oneOfKind, synthChart, testChart } from '../util/synth';

/*
 * Time-interval fields and SMTP smarthosts are judged as Alertmanager judges them: every case is given to
 * the library and, written by hand into a minimal alertmanager.yaml, to amtool check-config (0.33); both must
 * agree on accepting it.
 */

function oursAccepts(interval: Omit<TimeIntervalOptions, 'name'>): boolean {
  const routing = new AlertRouting(testChart('monitoring'), 'routing', { defaultReceiver: Receiver.none('null') });
  try {
    routing.addTimeInterval({ name: 't', ...interval });
    return true;
  } catch (e) {
    expect(e).not.toBeInstanceOf(TypeError);
    expect((e as Error).message).toMatch(/time interval "t": invalid (weekdays|daysOfMonth|months|location|times)/);
    return false;
  }
}

function amtoolAccepts(field: string, value: string): boolean {
  const config = [
    'route: { receiver: "null" }',
    'receivers: [{ name: "null" }]',
    'time_intervals:',
    '  - name: t',
    '    time_intervals:',
    `      - ${field === 'location' ? `location: ${JSON.stringify(value)}` : `${field}: [${JSON.stringify(value)}]`}`,
  ].join('\n');
  return checkAlertmanagerConfig(config).ok;
}

const CASES: Array<[string, keyof TimeIntervalOptions, string]> = [
  ['days_of_month', 'daysOfMonth', '1'], ['days_of_month', 'daysOfMonth', '1:7'], ['days_of_month', 'daysOfMonth', '-7:-1'],
  ['days_of_month', 'daysOfMonth', '1:-1'], ['days_of_month', 'daysOfMonth', '0'], ['days_of_month', 'daysOfMonth', '32'],
  ['days_of_month', 'daysOfMonth', '7:1'], ['days_of_month', 'daysOfMonth', '-1:-7'], ['days_of_month', 'daysOfMonth', '-32:-1'],
  ['days_of_month', 'daysOfMonth', '1:2:3'], ['days_of_month', 'daysOfMonth', 'first'],
  ['months', 'months', 'december'], ['months', 'months', 'march:may'], ['months', 'months', '1:3'], ['months', 'months', 'December'],
  ['months', 'months', 'may:march'], ['months', 'months', '13'], ['months', 'months', '0'], ['months', 'months', 'dec'],
  ['months', 'months', 'january:12'],
  ['location', 'location', 'Europe/Berlin'], ['location', 'location', 'UTC'], ['location', 'location', 'Local'],
  ['location', 'location', 'America/Argentina/Buenos_Aires'], ['location', 'location', 'Mars/Olympus'], ['location', 'location', 'europe/berlin'],
  ['location', 'location', '../../etc/passwd'], ['location', 'location', 'Berlin'],
  ['weekdays', 'weekdays', 'monday:friday'], ['weekdays', 'weekdays', 'Monday'], ['weekdays', 'weekdays', 'friday:monday'], ['weekdays', 'weekdays', 'mon'],
];

/** Accepted by Alertmanager 0.33's config loader, but a month that never comes: refused here on purpose. */
const STRICTER = new Set(['months 13', 'months 0']);

describe('time-interval fields: the library accepts exactly what Alertmanager accepts', () => {
  test.each(CASES.filter(([f, , v]) => !STRICTER.has(`${f} ${v}`)))('%s %s %s', (field, prop, value) => {
    const ours = oursAccepts({ [prop]: prop === 'location' ? value : [value] } as any);
    expect({ field, value, accepted: ours }).toEqual({ field, value, accepted: amtoolAccepts(field, value) });
  });
});

test.each(CASES.filter(([f, , v]) => STRICTER.has(`${f} ${v}`)))('stricter than Alertmanager on purpose: %s %s %s (a month that never comes)', (field, prop, value) => {
  expect(amtoolAccepts(field, value)).toBe(true);
  expect(oursAccepts({ [prop]: [value] } as any)).toBe(false);
});

describe('SMTP smarthosts: host:port with a port from 1 to 65535, an IPv6 host in brackets', () => {
  const email = (smarthost: string) => () => Receiver.email('mail', { to: 'a@example.com', fromAddress: 'b@example.com', smarthost });
  test.each(['smtp.example.com:587', '[::1]:25', '[2001:db8::25]:465', '10.0.0.5:25'])('accepted: %s', s => expect(email(s)).not.toThrow());
  test.each(['smtp.example.com:0', 'smtp.example.com:65536', 'smtp.example.com', '::1:25', '[nonsense]:25', 'user@smtp.example.com:25'])('refused: %s', s => {
    expect(email(s)).toThrow(/Receiver.email\("mail"\): invalid smarthost .*host:port with a port from 1 to 65535/);
  });
  test('an accepted IPv6 smarthost is written as given and loads in amtool', () => {
    const chart = testChart('monitoring');
    new AlertRouting(chart, 'routing', { defaultReceiver: email('[::1]:25')() });
    const config = oneOfKind(synthChart(chart), 'Secret').stringData['alertmanager.yaml'] as string;
    expect(config).toContain('smarthost: "[::1]:25"');
    expect(checkAlertmanagerConfig(config).output).toMatch(/SUCCESS/);
  });
});
