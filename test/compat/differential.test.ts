import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { ROOT, tmpDir } from '../helpers/paths';
import { runOurs } from '../helpers/run';
import { runReference } from '../helpers/reference';
import { needsReference } from '../helpers/requires';
import { compareReports } from '../helpers/report-compare';
import { LogGenerator } from '../helpers/log-gen';

/**
 * Generated logs (many sources, every scan kind, IPv4 and IPv6, signature
 * hits, odd and broken lines) analysed by psad 2.4.6 and by the port: the
 * reports and the error logs must agree.
 */
const variants: [string, string][] = [
  ['default config', ''],
  ['FW_SEARCH_ALL N', 'FW_SEARCH_ALL N;\n'],
  ['IGNORE_CONNTRACK_BUG_PKTS N, IGNORE_KERNEL_TIMESTAMP N', 'IGNORE_CONNTRACK_BUG_PKTS N;\nIGNORE_KERNEL_TIMESTAMP N;\n'],
  ['ignore lists and small thresholds', 'IGNORE_PORTS tcp/22, tcp/6000-6063, udp/53;\nIGNORE_PROTOCOLS 47;\nIGNORE_INTERFACES eth0.1;\nIGNORE_LOG_PREFIXES REJECT;\nDANGER_LEVEL1 2;\nDL1_UNIQUE_HOSTS 3;\nPORT_RANGE_SCAN_THRESHOLD 0;\n'],
];

for (const [i, [label, conf]] of variants.entries()) {
  test(`generated log, ${label}: same report and error log as psad 2.4.6`, { skip: needsReference() }, () => {
    const dir = tmpDir('diff');
    const log = path.join(dir, 'gen.log');
    const gen = new LogGenerator({ lines: 6000, seed: 1000 + i, broken: 0.08 });
    fs.writeFileSync(log, Buffer.from([...gen.lines()].join('\n') + '\n', 'latin1'));
    // the reference reads FW_SEARCH_ALL from the main file only, so variants go in a main config
    const main = path.join(dir, 'psad.conf');
    fs.writeFileSync(main, conf + fs.readFileSync(path.join(ROOT, 'etc', 'psad.conf'), 'latin1'));
    const args = ['-A', '-m', log, '--no-rdns', '--no-whois', '-c', main];
    const ref = runReference(args);
    const ours = runOurs(args);
    assert.equal(ours.status, ref.status, ours.stderr);
    const diffs = compareReports(ours.stdout.split(dir).join('DIR'), ref.stdout.split(dir).join('DIR'));
    assert.deepEqual(diffs, [], diffs.join('\n'));
    const errs = (root: string) => {
      const f = path.join(root, 'var/log/psad/ipt_analysis/errs/fwerrorlog');
      return fs.existsSync(f) ? fs.readFileSync(f, 'latin1') : '';
    };
    assert.equal(errs(ours.root), errs(ref.root), 'fwerrorlog');
    for (const d of [dir, path.dirname(ours.root), path.dirname(ref.root)]) fs.rmSync(d, { recursive: true, force: true });
  });
}
