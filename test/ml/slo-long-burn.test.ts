import { silentAt, slo, traffic } from './_slo';
import { expectRulesTestPass } from '../util/promtool';

/* A 0.9x burn for three days: 8,640 evaluations at 30 s (the slowest-but-one promtool proof). */

test('a 0.9x burn over 3 days raises nothing (99.9 % / 30 d, 30 s evaluation)', () => {
  const { rules } = slo();
  expectRulesTestPass(rules, [{
    interval: '1m',
    input_series: traffic([0.0009, 3 * 24 * 60]),
    alert_rule_test: ['1h', '12h', '1d', '2d', '3d'].flatMap(silentAt),
  }], '30s', { ignoreAnnotations: true, timeoutMs: 280_000 });
}, 300_000);
