/**
 * npm run golden:refresh [CASE...]: writes test/golden/<case>/expected/ from
 * psad 2.4.6 (installed at /usr/sbin/psad), run with TZ=UTC on the case's
 * input.log. A case whose case.json names a README difference gets
 * psad-node's output instead. Expected files that already say the same
 * (allowing psad's hash order) are left as they are, so a refresh only
 * changes what changed. Review the diff before committing it.
 */
import * as fs from 'fs';
import * as path from 'path';
import { needsReference } from '../helpers/requires';
import { compareOutputs, goldenCases, readExpected, runCase, writeExpected } from '../helpers/golden';

async function main(): Promise<number> {
  // the scan start is printed in local time: expected files hold what psad prints in UTC
  process.env.TZ = 'UTC';
  const why = needsReference();
  if (why) {
    console.error(`golden:refresh: ${why}`);
    return 1;
  }
  const now = new Date();
  if (now.getUTCMonth() === 0 && now.getUTCDate() === 1) {
    console.error('golden:refresh: the logs are dated Jan 1, which is today: psad 2.4.6 would date them a year back (356 days). Refresh tomorrow.');
    return 1;
  }
  const want = process.argv.slice(2);
  const cases = goldenCases().filter((c) => !want.length || want.includes(c.name));
  if (want.length && cases.length !== want.length) {
    console.error(`golden:refresh: unknown case(s): ${want.filter((w) => !cases.some((c) => c.name === w)).join(' ')}`);
    return 1;
  }
  let changed = 0;
  for (const c of cases) {
    if (!fs.existsSync(path.join(c.dir, 'input.log'))) {
      console.log(`${c.name}: no input.log (run sudo scripts/capture-golden.sh ${c.name})`);
      continue;
    }
    const fresh = await runCase(c, c.differs ? 'ours' : 'reference');
    const old = readExpected(c);
    const same = old.size > 0 && compareOutputs(fresh, old, !!c.differs).length === 0;
    if (same) {
      console.log(`${c.name}: unchanged`);
      continue;
    }
    writeExpected(c, fresh);
    changed++;
    console.log(`${c.name}: written (${fresh.size} files, from ${c.differs ? 'psad-node: it differs on purpose' : 'psad 2.4.6'})`);
  }
  console.log(`${changed} of ${cases.length} cases written`);
  return 0;
}

main().then((rc) => process.exit(rc), (e) => {
  console.error(e);
  process.exit(1);
});
