import { Duration } from 'cdk8s';
import { counter, quality, run } from './_quality';
import { ModelQualityMonitoring, Ratio } from '../../../src';
import { allRules, testChart, TEST_SELECTOR } from '../../util/synth';

/*
 * User feedback, proved with promtool on a feedback counter labelled by rating (1 to 5) and model version,
 * every value checked against numbers computed by hand. Counts are per minute; a window of one hour holds
 * 60 minutes of them.
 */

const HOUR = 60;
const alertOf = (extra: { [k: string]: string }) => ({ exp_labels: { model: 'fraud', ml_signal: 'feedback', severity: 'warning', ...extra } });
const rated = (version: string, rating: string, perMinute: number, minutes = 2 * HOUR) =>
  ({ series: `chat_feedback_total{model_version="${version}",stars="${rating}"}`, values: counter([perMinute, minutes]) });

describe('user feedback', () => {
  test('satisfaction per version: v2, a canary users dislike, fires; v4, never rated 4 or 5, is at 0 %, not absent; v3, of six ratings an hour, is not judged', () => {
    const { rules } = quality({
      feedback: { counter: 'chat_feedback_total', ratingLabel: 'stars', satisfiedRatings: ['4', '5'], versionLabel: 'model_version', window: Duration.hours(1) },
    });
    // Per hour: v1 360 fives, 180 fours, 60 twos (540 / 600 = 90 %); v2 120 fives, 120 fours, 360 ones
    // (240 / 600 = 40 %); v3 6 ones; v4 120 twos (0 / 120).
    run(rules, [{
      input_series: [
        rated('v1', '5', 6), rated('v1', '4', 3), rated('v1', '2', 1),
        rated('v2', '5', 2), rated('v2', '4', 2), rated('v2', '1', 6),
        rated('v3', '1', 0.1), rated('v4', '2', 2),
      ],
      promql_expr_test: [{
        expr: 'round(ml_feedback:satisfaction:ratio, 0.0001)',
        eval_time: '2h',
        exp_samples: [
          { labels: '{model="fraud",version="v1"}', value: 0.9 },
          { labels: '{model="fraud",version="v2"}', value: 0.4 },
          { labels: '{model="fraud",version="v4"}', value: 0 },
        ],
      }],
      alert_rule_test: [{ eval_time: '2h', alertname: 'ModelSatisfactionLow', exp_alerts: [alertOf({ version: 'v2' }), alertOf({ version: 'v4' })] }],
    }]);
  });

  test('feedback that stops arriving while predictions are served: 20 % of predictions for 8 hours, then none', () => {
    const { rules } = quality({
      feedback: {
        counter: 'chat_feedback_total',
        ratingLabel: 'stars',
        satisfiedRatings: ['5'],
        predictionsCounter: 'chat_requests_total',
        window: Duration.hours(1),
        baseline: Duration.hours(6),
      },
    });
    run(rules, [{
      input_series: [
        { series: 'chat_requests_total', values: counter([10, 12 * HOUR]) },
        // 2 a minute for 8 hours, then flat: the counter still exists, it no longer grows.
        { series: 'chat_feedback_total{stars="5"}', values: counter([2, 8 * HOUR], [0, 4 * HOUR]) },
      ],
      promql_expr_test: [
        { expr: 'round(ml_feedback:per_prediction:ratio, 0.0001)', eval_time: '7h', exp_samples: [{ labels: '{model="fraud"}', value: 0.2 }] },
        { expr: 'ml_feedback:per_prediction:ratio', eval_time: '9h30m', exp_samples: [{ labels: 'ml_feedback:per_prediction:ratio{model="fraud"}', value: 0 }] },
      ],
      alert_rule_test: [
        { eval_time: '8h30m', alertname: 'ModelFeedbackStopped', exp_alerts: [] },
        // The share passes 10 % of its 6h average (about 0.02) near 8h55m; held 30 minutes.
        { eval_time: '10h', alertname: 'ModelFeedbackStopped', exp_alerts: [alertOf({})] },
        { eval_time: '10h', alertname: 'ModelSatisfactionLow', exp_alerts: [] },
      ],
    }]);
  });

  test('the alerts state the ratings, the floor and how much feedback a version needs', () => {
    const { docs } = quality({ feedback: { counter: 'chat_feedback_total', satisfiedRatings: ['up'], versionLabel: 'model_version', minFeedback: 200, minSatisfaction: Ratio.percent(80) } });
    const rules = allRules(docs);
    const low = rules.find(r => r.alert === 'ModelSatisfactionLow');
    expect(low.expr).toBe('ml_feedback:satisfaction:ratio{model="fraud",namespace="ml"} < 0.8');
    expect(low.annotations.description).toContain('(rating in up; threshold 80%, judged with at least 200 feedback events over 1h)');
    expect(rules.find(r => r.alert === 'ModelFeedbackStopped')).toBeUndefined();
    expect(rules.find(r => r.record === 'ml_feedback:satisfaction:ratio').expr).toContain('rating=~"up"');
  });

  test.each([
    [{ satisfiedRatings: [] }, /feedback: invalid satisfiedRatings \[\]: one or more values of rating/],
    [{ versionLabel: 'model' }, /feedback: invalid versionLabel "model": a label of the counter other than model, namespace/],
    [{ versionLabel: 'rating' }, /feedback: invalid versionLabel "rating"/],
    [{ minFeedback: 0 }, /feedback: invalid minFeedback 0: a whole number of 1 or more/],
    [{ minSatisfaction: Ratio.percent(100) }, /feedback: invalid minSatisfaction "100%"/],
    [{ alerts: { feedbackStopped: {} } }, /feedback: invalid alerts.feedbackStopped .*predictionsCounter/],
    [{ matchers: { rating: 'up' } }, /feedback: invalid matchers "rating": matchers that leave rating free/],
    [{ counter: 'chat-feedback' }, /feedback: invalid counter "chat-feedback"/],
  ])('bad input %#', (bad, message) => {
    expect(() => new ModelQualityMonitoring(testChart('ml'), 'q', {
      modelName: 'fraud', selectorLabels: TEST_SELECTOR, feedback: { counter: 'chat_feedback_total', satisfiedRatings: ['up'], ...(bad as any) },
    })).toThrow(message);
  });
});
