import { Duration } from 'cdk8s';
import { counter, quality, run } from './_quality';
import { ModelQualityMonitoring, Ratio } from '../../../src';
import { allRules, testChart, TEST_SELECTOR } from '../../util/synth';

/*
 * Fairness across groups, proved with promtool on counters labelled by a group label of the user's
 * (`segment`) and the predicted outcome, every value checked against numbers computed by hand. Counts are
 * per minute; a window of one hour holds 60 minutes of them (increase() extrapolates the 59 intervals
 * between the window's samples to the whole hour: exact for a steady counter).
 */

const HOUR = 60;
const fairness = (extra: { [k: string]: string }) => ({ exp_labels: { model: 'fraud', ml_signal: 'fairness', severity: 'warning', fairness: 'approval', ...extra } });
const base = { name: 'approval', groupLabel: 'segment', predictionsCounter: 'loan_predictions_total', favourableOutcome: 'approved', window: Duration.hours(1) };

/** Per-minute predictions of one segment and outcome, for two hours. */
const preds = (segment: string, outcome: string, perMinute: number) =>
  ({ series: `loan_predictions_total{segment="${segment}",outcome="${outcome}"}`, values: counter([perMinute, 2 * HOUR]) });

describe('fairness: favourable rates, disparate impact and demographic parity', () => {
  test('against a reference group: B approved at 60 % of A\'s rate fails the four-fifths rule; D, never approved, is not invisible; C, of three predictions an hour, is not judged', () => {
    const { rules } = quality({ fairness: [{ ...base, referenceGroup: 'a' }] });
    // Per hour: A 600 predictions, 300 approved (50 %); B 600, 180 approved (30 %); D 240, none approved
    // (its approved series never exists); C 3, none approved.
    const input = [preds('a', 'approved', 5), preds('a', 'rejected', 5), preds('b', 'approved', 3), preds('b', 'rejected', 7),
      preds('c', 'rejected', 0.05), preds('d', 'rejected', 4)];
    run(rules, [{
      input_series: input,
      promql_expr_test: [
        {
          expr: 'round(ml_fairness:predictions:increase, 0.001)',
          eval_time: '2h',
          exp_samples: [
            { labels: '{fairness="approval",group="a",model="fraud"}', value: 600 },
            { labels: '{fairness="approval",group="b",model="fraud"}', value: 600 },
            { labels: '{fairness="approval",group="c",model="fraud"}', value: 3 },
            { labels: '{fairness="approval",group="d",model="fraud"}', value: 240 },
          ],
        },
        {
          // 300/600, 180/600, 0/240; C's 3 predictions are fewer than the 100 a group needs.
          expr: 'round(ml_fairness:favourable_rate:ratio, 0.0001)',
          eval_time: '2h',
          exp_samples: [
            { labels: '{fairness="approval",group="a",model="fraud"}', value: 0.5 },
            { labels: '{fairness="approval",group="b",model="fraud"}', value: 0.3 },
            { labels: '{fairness="approval",group="d",model="fraud"}', value: 0 },
          ],
        },
        { expr: 'ml_fairness:reference_favourable_rate:ratio', eval_time: '2h', exp_samples: [{ labels: 'ml_fairness:reference_favourable_rate:ratio{fairness="approval",model="fraud"}', value: 0.5 }] },
        {
          // 0.3 / 0.5 = 0.6 < 0.8; 0 / 0.5 = 0.
          expr: 'round(ml_fairness:impact_ratio:ratio, 0.0001)',
          eval_time: '2h',
          exp_samples: [
            { labels: '{fairness="approval",group="a",model="fraud"}', value: 1 },
            { labels: '{fairness="approval",group="b",model="fraud"}', value: 0.6 },
            { labels: '{fairness="approval",group="d",model="fraud"}', value: 0 },
          ],
        },
        {
          // 0.3 − 0.5 = −0.2; 0 − 0.5 = −0.5.
          expr: 'round(ml_fairness:parity_difference:ratio, 0.0001)',
          eval_time: '2h',
          exp_samples: [
            { labels: '{fairness="approval",group="a",model="fraud"}', value: 0 },
            { labels: '{fairness="approval",group="b",model="fraud"}', value: -0.2 },
            { labels: '{fairness="approval",group="d",model="fraud"}', value: -0.5 },
          ],
        },
      ],
      alert_rule_test: [
        { eval_time: '2h', alertname: 'ModelDisparateImpact', exp_alerts: [fairness({ group: 'b' }), fairness({ group: 'd' })] },
        { eval_time: '2h', alertname: 'ModelDemographicParityGap', exp_alerts: [fairness({ group: 'b' }), fairness({ group: 'd' })] },
      ],
    }]);
  });

  test('against all predictions: equal treatment stays silent; the overall rate is every prediction\'s, a small group included', () => {
    const { rules } = quality({ fairness: [base] });
    run(rules, [{
      input_series: [preds('a', 'approved', 5), preds('a', 'rejected', 5), preds('b', 'approved', 5), preds('b', 'rejected', 5), preds('c', 'rejected', 0.05)],
      promql_expr_test: [
        // (300 + 300) / (600 + 600 + 3) = 0.498753...
        { expr: 'round(ml_fairness:reference_favourable_rate:ratio, 0.000001)', eval_time: '2h', exp_samples: [{ labels: '{fairness="approval",model="fraud"}', value: 0.498753 }] },
      ],
      alert_rule_test: [
        { eval_time: '2h', alertname: 'ModelDisparateImpact', exp_alerts: [] },
        { eval_time: '2h', alertname: 'ModelDemographicParityGap', exp_alerts: [] },
      ],
    }]);
  });

  test('against all predictions: B at 30 % beside A at 50 % (600 each) is 75 % of the overall 40 %, and both are 10 points from it', () => {
    const { rules } = quality({ fairness: [{ ...base, maxParityDifference: Ratio.percent(8) }] });
    run(rules, [{
      input_series: [preds('a', 'approved', 5), preds('a', 'rejected', 5), preds('b', 'approved', 3), preds('b', 'rejected', 7)],
      promql_expr_test: [{
        // Overall 480 / 1200 = 0.4: A 0.5 / 0.4 = 1.25, B 0.3 / 0.4 = 0.75.
        expr: 'round(ml_fairness:impact_ratio:ratio, 0.0001)',
        eval_time: '2h',
        exp_samples: [{ labels: '{fairness="approval",group="a",model="fraud"}', value: 1.25 }, { labels: '{fairness="approval",group="b",model="fraud"}', value: 0.75 }],
      }],
      alert_rule_test: [
        { eval_time: '2h', alertname: 'ModelDisparateImpact', exp_alerts: [fairness({ group: 'b' })] },
        // |±0.1| > 0.08: the favoured group differs from the overall rate as much as the other.
        { eval_time: '2h', alertname: 'ModelDemographicParityGap', exp_alerts: [fairness({ group: 'a' }), fairness({ group: 'b' })] },
      ],
    }]);
  });
});

describe('fairness with ground truth: per-group rates and equal opportunity', () => {
  const outcomes = {
    truePositives: 'loan_outcome_true_positive_total',
    falsePositives: 'loan_outcome_false_positive_total',
    trueNegatives: 'loan_outcome_true_negative_total',
    falseNegatives: 'loan_outcome_false_negative_total',
  };
  const out = (kind: string, segment: string, perMinute: number) =>
    ({ series: `loan_outcome_${kind}_total{segment="${segment}"}`, values: counter([perMinute, 2 * HOUR]) });

  test('B finds half its actual positives where A finds 80 %; E, whose false-negative and false-positive counters were never written, is at 100 % and 0 %', () => {
    const { rules } = quality({ fairness: [{ ...base, referenceGroup: 'a', outcomes }] });
    // Per hour: A tp 480, fn 120, fp 60, tn 540; B tp 300, fn 300, fp 180, tn 420; E tp 240, tn 360.
    const input = [
      out('true_positive', 'a', 8), out('false_negative', 'a', 2), out('false_positive', 'a', 1), out('true_negative', 'a', 9),
      out('true_positive', 'b', 5), out('false_negative', 'b', 5), out('false_positive', 'b', 3), out('true_negative', 'b', 7),
      out('true_positive', 'e', 4), out('true_negative', 'e', 6),
      preds('a', 'approved', 5), preds('a', 'rejected', 5), preds('b', 'approved', 5), preds('b', 'rejected', 5),
    ];
    const g = (group: string, value: number) => ({ labels: `{fairness="approval",group="${group}",model="fraud"}`, value });
    run(rules, [{
      input_series: input,
      promql_expr_test: [
        // 480/600, 300/600, 240/240.
        { expr: 'round(ml_fairness:true_positive_rate:ratio, 0.0001)', eval_time: '2h', exp_samples: [g('a', 0.8), g('b', 0.5), g('e', 1)] },
        // 60/600, 180/600, 0/360.
        { expr: 'round(ml_fairness:false_positive_rate:ratio, 0.0001)', eval_time: '2h', exp_samples: [g('a', 0.1), g('b', 0.3), g('e', 0)] },
        // (480+540)/1200, (300+420)/1200, (240+360)/600.
        { expr: 'round(ml_fairness:accuracy:ratio, 0.0001)', eval_time: '2h', exp_samples: [g('a', 0.85), g('b', 0.6), g('e', 1)] },
        // 0.8 − 0.8, 0.5 − 0.8, 1 − 0.8.
        { expr: 'round(ml_fairness:equal_opportunity_difference:ratio, 0.0001)', eval_time: '2h', exp_samples: [g('a', 0), g('b', -0.3), g('e', 0.2)] },
      ],
      alert_rule_test: [
        { eval_time: '2h', alertname: 'ModelEqualOpportunityGap', exp_alerts: [fairness({ group: 'b' }), fairness({ group: 'e' })] },
        { eval_time: '2h', alertname: 'ModelDisparateImpact', exp_alerts: [] },
      ],
    }]);
  });
});

describe('fairness settings', () => {
  test('the alerts state the check, the reference, the threshold and how many predictions a group needs; they route as ml_signal="fairness"', () => {
    const { docs } = quality({ fairness: [{ ...base, referenceGroup: 'a', minEventsPerGroup: 500, minImpactRatio: Ratio.percent(90), alerts: { parityGap: { enabled: false } } }] });
    const rules = allRules(docs);
    const impact = rules.find(r => r.alert === 'ModelDisparateImpact');
    expect(impact.expr).toContain('ml_fairness:impact_ratio:ratio{model="fraud",namespace="ml",fairness="approval"} < 0.9');
    expect(impact.annotations.description).toContain('of the rate of group a (threshold 90%, the four-fifths rule; judged with at least 500 predictions per group over 1h)');
    expect(impact.labels).toMatchObject({ ml_signal: 'fairness', fairness: 'approval', model: 'fraud', namespace: 'ml' });
    expect(rules.find(r => r.alert === 'ModelDemographicParityGap')).toBeUndefined();
    expect(rules.find(r => r.record === 'ml_fairness:favourable_rate:ratio').expr).toContain('>= 500');
  });

  test.each([
    [{ groupLabel: 'model' }, /fairness\[0\]: invalid groupLabel "model": a label of the counters other than model, namespace, fairness/],
    [{ outcomeLabel: 'segment' }, /fairness\[0\]: invalid outcomeLabel "segment": a label other than groupLabel/],
    [{ favourableOutcome: '' }, /fairness\[0\]: invalid favourableOutcome "": the value of outcome that is favourable/],
    [{ minEventsPerGroup: 0 }, /fairness\[0\]: invalid minEventsPerGroup 0: a whole number of 1 or more/],
    [{ minEventsPerGroup: 2.5 }, /invalid minEventsPerGroup 2.5/],
    [{ minImpactRatio: Ratio.percent(100) }, /fairness\[0\]: invalid minImpactRatio "100%"/],
    [{ maxParityDifference: Ratio.percent(0) }, /fairness\[0\]: invalid maxParityDifference "0%"/],
    [{ predictionsCounter: 'loan-predictions' }, /fairness\[0\]: invalid predictionsCounter "loan-predictions"/],
    [{ matchers: { segment: 'a' } }, /fairness\[0\]: invalid matchers "segment": matchers that leave segment and outcome free/],
    [{ referenceGroup: '' }, /fairness\[0\]: invalid referenceGroup "": a value of segment/],
    [{ alerts: { opportunityGap: { pendingFor: Duration.hours(1) } } }, /fairness\[0\]: invalid alerts.opportunityGap .*: outcomes \(confusion counters labelled by the group\)/],
    [{ outcomes: { truePositives: 'x_total', falsePositives: 'x_total', trueNegatives: 'y_total', falseNegatives: 'z_total' } }, /invalid outcomes.truePositives .*four different counters/],
  ])('bad input %#', (bad, message) => {
    expect(() => new ModelQualityMonitoring(testChart('ml'), 'q', { modelName: 'fraud', selectorLabels: TEST_SELECTOR, fairness: [{ ...base, ...(bad as any) }] })).toThrow(message);
  });

  test('two checks of one name are refused', () => {
    expect(() => new ModelQualityMonitoring(testChart('ml'), 'q', { modelName: 'fraud', selectorLabels: TEST_SELECTOR, fairness: [base, { ...base, groupLabel: 'region' }] }))
      .toThrow(/invalid fairness\[\].name "approval": a name of its own for each fairness check/);
  });
});
