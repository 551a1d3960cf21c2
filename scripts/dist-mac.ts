// `npm run dist:mac` (after `npm run build`): the arm64 dmg and zip, signed, notarised and with an
// update feed as far as the environment allows (release-plan.ts), each decision logged first.
import { readFileSync } from 'node:fs';
import { build, Platform, type Configuration } from 'electron-builder';
import yaml from 'js-yaml';
import { applyPlan, releasePlan, ReleasePlanError } from './release-plan';

if (process.platform !== 'darwin') {
  console.error('dist:mac: packaging for macOS runs on a Mac (codesign, notarytool, hdiutil).');
  process.exit(1);
}

let plan;
try {
  plan = releasePlan(process.env);
} catch (e) {
  if (!(e instanceof ReleasePlanError)) throw e;
  console.error(`dist:mac: ${e.message}`);
  process.exit(1);
}
for (const line of plan.log) console.log(`dist:mac: ${line}`);

const base = yaml.load(readFileSync('build/electron-builder.yml', 'utf8')) as Configuration;
const config = applyPlan(base, plan);
const artifacts = await build({ targets: Platform.MAC.createTarget(), config, publish: 'never' });
for (const file of artifacts) console.log(`dist:mac: built ${file}`);
