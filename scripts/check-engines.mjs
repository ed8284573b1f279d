// `node scripts/check-engines.mjs [project folder]`: fails if package-lock.json holds a package whose
// `engines.node` refuses the oldest Node the project supports (package.json `engines.node`) or the
// Node running this script, which `npm install` would warn about (EBADENGINE).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import semver from 'semver';

const folder = process.argv[2] ?? '.';
const manifest = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8'));
const lock = JSON.parse(readFileSync(join(folder, 'package-lock.json'), 'utf8'));
const oldest = semver.minVersion(manifest.engines.node).version;
const nodes = [...new Set([oldest, semver.clean(process.version)])];

const refusing = Object.entries(lock.packages ?? {}).flatMap(([path, pkg]) => {
  const wanted = pkg.engines?.node;
  const refused = wanted === undefined ? [] : nodes.filter((node) => !semver.satisfies(node, wanted));
  return refused.length > 0 ? [`${path.replace(/^.*node_modules\//, '')}@${pkg.version} needs Node ${wanted}, not ${refused.join(' or ')}`] : [];
});
if (refusing.length > 0) {
  console.error(`package-lock.json holds ${refusing.length} package(s) that refuse Node ${nodes.join(' / ')}:\n  ${refusing.join('\n  ')}`);
  process.exit(1);
}
console.log(`engines: every package in package-lock.json accepts Node ${nodes.join(' and ')}`);
