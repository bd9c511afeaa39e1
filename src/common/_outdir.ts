import * as fs from 'fs';
import * as path from 'path';
import { App } from 'cdk8s';
import { invalidProp } from './_errors';

/**
 * The folder a `synth(app, { outdir })` helper writes beside the app's manifests (RuleTests, SloBackfill),
 * made if missing: `outdir`, or `folder` in the app's output folder. Bad input is an Error naming `where`.
 * @internal
 */
export function outFolder(where: string, app: App, outdir: string | undefined, folder: string, appIsFor: string): string {
  if (!(app instanceof App)) throw invalidProp(where, 'app', app, `the cdk8s App whose ${appIsFor}`);
  const dir = outdir ?? path.join(app.outdir, folder);
  if (typeof dir !== 'string' || dir.trim() === '') throw invalidProp(where, 'outdir', dir, 'a folder path');
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}
