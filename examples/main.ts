import { RuleTests, SloBackfill } from '../src';
import { buildExampleApp, buildKubePrometheusStackExampleApp, buildShardedExampleApp } from './app';

// `npx projen example`: the owned stack into dist/example/, the adopted kube-prometheus-stack variant into
// dist/example-kube-prometheus-stack/, the sharded stack behind Thanos into dist/example-sharded/; beside
// each app's manifests, in rule-tests/, the promtool tests of
// its alerts (run them with `promtool test rules dist/example/rule-tests/*.test.yaml`), and in slo-backfill/,
// the rules that give the SLOs' windows their history on a first install (promtool tsdb create-blocks-from rules).
const outdir = process.env.CDK8S_OUTDIR ?? 'dist/example';
for (const app of [
  buildExampleApp({ outdir }),
  buildKubePrometheusStackExampleApp({ outdir: `${outdir}-kube-prometheus-stack` }),
  buildShardedExampleApp({ outdir: `${outdir}-sharded` }),
]) {
  app.synth();
  const tests = RuleTests.synth(app);
  console.log(`${app.outdir}/rule-tests: ${tests.testCount} promtool tests in ${tests.files.filter(f => f.endsWith('.test.yaml')).length} files` +
    `${tests.notGenerated.length ? `; ${tests.notGenerated.length} alerts without a generated test (named in the files)` : ''}` +
    `${tests.cannotFire.length ? `; CANNOT FIRE: ${tests.cannotFire.join('; ')}` : ''}`);
  const backfill = SloBackfill.synth(app);
  console.log(`${backfill.directory}: ${backfill.files.length} SLI backfill rule files`);
}
