import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { REFERENCE, ROOT, tmpDir } from '../helpers/paths';
import { runOurs } from '../helpers/run';
import { runReference } from '../helpers/reference';
import { needsReferenceAndShared } from '../helpers/requires';

/**
 * -B/--Benchmark prints the lines of psad 2.4.6: every line starts with the
 * local time (ctime) and "[+] ", the timing is whole seconds. The shape is
 * compared with the reference's output (clock and seconds masked).
 */
const SKIP = needsReferenceAndShared();
const CONF = ['-c', '/etc/psad/psad.conf'];
const CTIME = /^\w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4} \[\+\] /;

function shape(stdout: string): string[] {
  return stdout.split('\n').slice(0, -1).map((l) => {
    assert.match(l, CTIME, l);
    return l.replace(CTIME, '').replace(/time: \d+ sec\.$/, 'time: N sec.');
  });
}

const SYN = path.join(REFERENCE, 'test/scans/iptables/syn_scan_1000_1500');

test('-B with --packets, with -m FILE, with both, and with broken lines: the lines of psad 2.4.6', { skip: SKIP }, () => {
  const dir = tmpDir('bench');
  const broken = path.join(dir, 'broken.log');
  const lines = fs.readFileSync(SYN, 'latin1').split('\n').slice(0, 20);
  fs.writeFileSync(broken, `${lines.join('\n')}\n${lines[0].replace('SRC=192.168.10.55', 'SRC=300.1.1.1')}\n`
    + `${lines[1].replace(/PROTO=TCP.*/, 'PROTO=TCP')}\nnot a firewall line\n`);
  for (const args of [['--packets', '500'], ['-m', SYN], ['-m', SYN, '--packets', '5'], ['-m', broken], ['-m', broken, '--no-ipt-errors']]) {
    const ref = runReference(['-B', ...CONF, ...args]);
    const ours = runOurs(['-B', ...CONF, ...args]);
    assert.equal(ref.status, 0, ref.stderr);
    assert.equal(ours.status, 0, ours.stderr);
    assert.equal(ours.stderr, '');
    assert.deepEqual(shape(ours.stdout), shape(ref.stdout), args.join(' '));
  }
  const b = shape(runOurs(['-B', ...CONF, '-m', broken]).stdout);
  assert.ok(b.includes('Err packets: 2.'), b.join('\n'));
});

test('-B without --packets: a 10,000 packet test through the engine, in the reference\'s words', () => {
  const r = runOurs(['-B', '-c', path.join(ROOT, 'etc', 'psad.conf')]);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(shape(r.stdout), [
    'Entering benchmark mode.',
    'The --packets command line option was not specified.',
    'Defaulting to a 10,000 packet test.',
    'Creating packet array.',
    'check_scan()',
    'Err packets: 0.',
    'Packet creation and processing time: N sec.',
    'Exiting benchmark mode.',
  ]);
});

test('-B leaves no scan data behind (no files, as in psad 2.4.6)', () => {
  const r = runOurs(['-B', '--packets', '2000', '-c', path.join(ROOT, 'etc', 'psad.conf')]);
  assert.equal(r.status, 0, r.stderr);
  const psadDir = path.join(r.root, 'var/log/psad');
  const files = fs.existsSync(psadDir) ? fs.readdirSync(psadDir).filter((f) => /^\d/.test(f) || f.startsWith('top_')) : [];
  assert.deepEqual(files, []);
});

test('-B with an unreadable -m file: a clear message and exit 2', () => {
  const r = runOurs(['-B', '-c', path.join(ROOT, 'etc', 'psad.conf'), '-m', '/nonexistent/bench.log']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /^\[\*\] Could not open \/nonexistent\/bench\.log: No such file or directory$/m);
});
