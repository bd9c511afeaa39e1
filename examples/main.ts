import { buildExampleApp } from './app';

// `npx projen example`: cdk8s reads the output folder from CDK8S_OUTDIR (dist/example).
buildExampleApp().synth();
