import { buildExampleApp, buildKubePrometheusStackExampleApp } from './app';

// `npx projen example`: the owned stack into dist/example/, the adopted kube-prometheus-stack variant into
// dist/example-kube-prometheus-stack/.
const outdir = process.env.CDK8S_OUTDIR ?? 'dist/example';
buildExampleApp({ outdir }).synth();
buildKubePrometheusStackExampleApp({ outdir: `${outdir}-kube-prometheus-stack` }).synth();
