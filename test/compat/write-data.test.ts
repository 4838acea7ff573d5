import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { REFERENCE } from '../helpers/paths';
import { runOurs } from '../helpers/run';
import { runReference } from '../helpers/reference';
import { needsReferenceAndShared, sharedFiles, testEach } from '../helpers/requires';

/**
 * --analysis-write-data: the per-IP directories and files equal psad
 * 2.4.6's, apart from the wall-clock times in them and the order of
 * hash-ordered lines (the alert text is compared as its sequence of section
 * lines plus the multiset of all lines).
 */
const LOGS = sharedFiles('test/scans/iptables');

function files(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.set(path.relative(dir, p), fs.readFileSync(p, 'latin1'));
    }
  };
  if (fs.existsSync(dir)) walk(dir);
  return out;
}

const CTIME = /\w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4}/g;

function normalize(name: string, text: string): string {
  if (name.endsWith('_signatures')) {
    return text.split('\n').map((l) => l.replace(/^\d{9,} /, 'T ')).sort().join('\n');
  }
  if (name.endsWith('_email_alert')) {
    // times: the header/footer clock, and a scan start that is the clock when the line has no syslog date
    // psad-node prints the "Current interval" lines psad 2.4.6 no longer prints (Q17)
    text = text.replace(/^ {5}Current interval: .*\n {23}.* \(end\)\n\n/m, '');
    const lines = text.replace(/^=-=-=.*=-=$/gm, '=-= TIME =-=').replace(CTIME, 'CTIME').split('\n');
    const skeleton = lines.filter((l) => /^\s+(Danger level|Scanned destinations|Scanned TCP ports|Scanned UDP ports|icmp packets|Source|Destination|Overall scan start|Total email alerts|Complete TCP range|Complete UDP range|Syslog hostnames?|Global stats): /.test(l) || l.startsWith('[+]'));
    return `${skeleton.join('\n')}\n--- all lines ---\n${[...lines].sort().join('\n')}`;
  }
  if (name.endsWith('_packet_ctr') || name.endsWith('p0f_guess')) return text.split('\n').sort().join('\n');
  return text.replace(CTIME, 'CTIME');
}

testEach(LOGS, (log) => `--analysis-write-data for ${log}: the same files as psad 2.4.6`, needsReferenceAndShared(), (log) => {
  const args = ['-A', '-m', `test/scans/iptables/${log}`, '--no-rdns', '--no-whois', '--analysis-write-data', '-c', '/etc/psad/psad.conf'];
  const ref = runReference(args, { cwd: REFERENCE });
  const ours = runOurs(args, { cwd: REFERENCE });
  assert.equal(ours.status, 0, ours.stderr);
  assert.equal(ref.status, 0, ref.stderr);
  const a = files(path.join(ours.root, 'var/log/psad/ipt_analysis'));
  const b = files(path.join(ref.root, 'var/log/psad/ipt_analysis'));
  assert.deepEqual([...a.keys()].sort(), [...b.keys()].sort());
  for (const [name, text] of b) {
    if (name.endsWith('_start_time')) {
      const ours = Number(a.get(name));
      const ref = Number(text);
      if (Math.abs(ours - ref) > 5) {
        // a syslog date in the future: psad 2.4.6 moves it back 356 days, the port one calendar year
        const back = new Date((ref + 356 * 86400) * 1000);
        back.setUTCFullYear(back.getUTCFullYear() - 1);
        assert.equal(ours, back.getTime() / 1000, `${log}: ${name}: ${ours} vs ${ref} (one year back, not 356 days)`);
        continue;
      }
      // the wall clock when the line has no syslog date: allow the runs a few seconds apart
      assert.ok(Math.abs(ours - ref) <= 5, `${log}: ${name}: ${a.get(name)} vs ${text}`);
      continue;
    }
    assert.equal(normalize(name, a.get(name)!), normalize(name, text), `${log}: ${name}`);
  }
  fs.rmSync(path.dirname(ours.root), { recursive: true, force: true });
  fs.rmSync(path.dirname(ref.root), { recursive: true, force: true });
});
