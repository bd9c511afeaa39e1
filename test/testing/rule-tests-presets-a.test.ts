import { presetRuleTests } from './_preset-rule-tests';

// Half of the runtime presets' generated tests (the other half in rule-tests-presets-b.test.ts).
presetRuleTests(0);
