import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { simpleParser } from 'mailparser';
import { REFERENCE, tmpDir } from '../helpers/paths';
import { runOurs } from '../helpers/run';
import { runReference } from '../helpers/reference';
import { needsReferenceAndShared, sharedFiles } from '../helpers/requires';
import { mailStandIn, normalizeAlertBody, standInMails } from '../helpers/mail-compare';

/**
 * `psad -A -e` on the upstream test logs, psad 2.4.6 (its mail(1) command
 * replaced by a stand-in that saves the arguments and the body) beside
 * psad-node (its sendmail binary replaced by a stand-in that saves the
 * message): the same mails, subject for subject and body for body, apart
 * from the clock, hash order and the "Current interval" lines psad-node
 * prints again; the same recipients; the external script run for the same
 * sources. psad 2.4.6 needs --analysis-write-data to send anything (Q1);
 * psad-node does not.
 */
const LOGS = sharedFiles('test/scans/iptables');
const skip = needsReferenceAndShared();

function recorder(file: string): string {
  const f = `${file}.sh`;
  fs.writeFileSync(f, `#!/bin/sh\nprintf '%s\\n' "$*" >> '${file}'\n`, { mode: 0o755 });
  return f;
}

const lines = (f: string) => (fs.existsSync(f) ? fs.readFileSync(f, 'latin1').split('\n').filter((l) => l).sort() : []);

async function compare(log: string, dir: string): Promise<number> {
  const refMail = mailStandIn(path.join(dir, 'ref'));
  const ourMail = mailStandIn(path.join(dir, 'ours'), 'sendmail.sh');
  const refScript = recorder(path.join(dir, 'ref-script'));
  const ourScript = recorder(path.join(dir, 'our-script'));
  const conf = (script: string) => 'EMAIL_ADDRESSES a@example.com, b@example.com,c@example.com;\nENABLE_EXT_SCRIPT_EXEC Y;\n'
    + `EXTERNAL_SCRIPT ${script} SRCIP;\n`;
  const base = ['-A', '-e', '-m', `test/scans/iptables/${log}`, '--no-rdns', '--no-whois', '-c', '/etc/psad/psad.conf'];
  const ref = runReference([...base, '--analysis-write-data'], { cwd: REFERENCE, extraConf: `mailCmd ${refMail};\n${conf(refScript)}` });
  const ours = runOurs(base, { cwd: REFERENCE, extraConf: `sendmailCmd ${ourMail};\n${conf(ourScript)}` });
  assert.equal(ref.status, 0, ref.stderr);
  assert.equal(ours.status, 0, ours.stderr);
  assert.equal(ours.stderr, '');
  assert.match(ours.stdout, /^\[\+\] Generating email alerts\.\.\.$/m);

  const want = new Map<string, { to: string[]; body: string }>();
  for (const m of standInMails(path.join(dir, 'ref'))) {
    assert.equal(m.args[0], '-s');
    assert.ok(!want.has(m.args[1]), `one mail per pair: ${m.args[1]}`);
    want.set(m.args[1], { to: m.args.slice(2).flatMap((a) => a.split(',')), body: m.body });
  }
  const got = new Map<string, { to: string[]; body: string; raw: string }>();
  for (const m of standInMails(path.join(dir, 'ours'))) {
    // sendmail is run as `sendmail -i -f <from> <recipients>` with the whole message on stdin
    assert.deepEqual(m.args.slice(0, 2), ['-i', '-f']);
    assert.deepEqual(m.args.slice(3), ['a@example.com', 'b@example.com', 'c@example.com']);
    const p = await simpleParser(Buffer.from(m.body, 'latin1'));
    const to = (Array.isArray(p.to) ? p.to : p.to ? [p.to] : []).flatMap((a) => a.value.map((v) => v.address ?? ''));
    got.set(p.subject ?? '', { to, body: p.text ?? '', raw: m.body });
  }
  assert.deepEqual([...got.keys()].sort(), [...want.keys()].sort(), `${log}: the same subjects`);
  for (const [subject, w] of want) {
    const g = got.get(subject)!;
    assert.deepEqual(g.to, w.to, `${log}: recipients of ${subject}`);
    // a log line without a syslog date starts the scan at the wall clock: the two runs are seconds apart
    const start = (b: string) => /^ {3}Overall scan start: (.*)$/m.exec(b)?.[1] ?? '';
    const [s1, s2] = [start(g.body), start(w.body)];
    // (and a date in the future goes back one year here, 356 days in psad 2.4.6: 9 or 10 days apart)
    const d = Date.parse(s2) - Date.parse(s1);
    if (s1 !== s2) assert.ok([0, 9, 10].some((k) => Math.abs(d - k * 86400000) <= 10000), `${log}: scan start ${s1} / ${s2}`);
    const same = (b: string) => normalizeAlertBody(b.replace(/^( {3}Overall scan start: ).*$/m, '$1X'));
    assert.equal(same(g.body), same(w.body), `${log}: body of ${subject}`);
    assert.match(g.body, /^ {5}Current interval: .* \(start\)\n {23}.* \(end\)\n\n   Overall scan start: /m);
    assert.match(g.raw, /^Content-Type: text\/plain; charset=utf-8$/m);
  }
  assert.deepEqual(lines(path.join(dir, 'our-script')), lines(path.join(dir, 'ref-script')), `${log}: external script runs`);
  fs.rmSync(path.dirname(ref.root), { recursive: true, force: true });
  fs.rmSync(path.dirname(ours.root), { recursive: true, force: true });
  return want.size;
}

test('-A -e on the upstream test logs: the mails psad 2.4.6 sends', { skip, timeout: 600000 }, async () => {
  let total = 0;
  for (const log of LOGS) {
    const dir = tmpDir('mailcmp');
    try {
      total += await compare(log, dir);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
  assert.ok(total >= 20, `alert mails compared: ${total}`);
});

test('-A -e without --analysis-write-data: psad 2.4.6 sends nothing (Q1), psad-node sends the alerts and writes no per-IP files', { skip }, () => {
  const dir = tmpDir('mailq1');
  try {
    const refMail = mailStandIn(path.join(dir, 'ref'));
    const ourMail = mailStandIn(path.join(dir, 'ours'), 'sendmail.sh');
    const args = ['-A', '-e', '-m', 'test/scans/iptables/syn_scan_1000_1500', '--no-rdns', '--no-whois', '-c', '/etc/psad/psad.conf'];
    const ref = runReference(args, { cwd: REFERENCE, extraConf: `mailCmd ${refMail};\n` });
    const ours = runOurs(args, { cwd: REFERENCE, extraConf: `sendmailCmd ${ourMail};\n` });
    assert.equal(ref.status, 0);
    assert.equal(ours.status, 0, ours.stderr);
    assert.equal(standInMails(path.join(dir, 'ref')).length, 0);
    assert.equal(standInMails(path.join(dir, 'ours')).length, 1);
    const amd = path.join(ours.root, 'var/log/psad/ipt_analysis');
    assert.deepEqual(fs.readdirSync(amd).filter((n) => /^\d/.test(n)), []);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('-A -e with ALERTING_METHODS noemail: psad 2.4.6 mails anyway (Q26), psad-node does not and says so', { skip }, () => {
  const dir = tmpDir('mailq26');
  try {
    const refMail = mailStandIn(path.join(dir, 'ref'));
    const ourMail = mailStandIn(path.join(dir, 'ours'), 'sendmail.sh');
    const args = ['-A', '-e', '--analysis-write-data', '-m', 'test/scans/iptables/syn_scan_1000_1500', '--no-rdns', '--no-whois', '-c', '/etc/psad/psad.conf'];
    const ref = runReference(args, { cwd: REFERENCE, extraConf: `mailCmd ${refMail};\nALERTING_METHODS noemail;\n` });
    const ours = runOurs(args, { cwd: REFERENCE, extraConf: `sendmailCmd ${ourMail};\nALERTING_METHODS noemail;\n` });
    assert.equal(ref.status, 0);
    assert.equal(ours.status, 0, ours.stderr);
    assert.equal(standInMails(path.join(dir, 'ref')).length, 1);
    assert.equal(standInMails(path.join(dir, 'ours')).length, 0);
    assert.match(ours.stdout, /ALERTING_METHODS is "noemail": no email is sent/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
