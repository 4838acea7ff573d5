import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { tmpDir } from '../helpers/paths';
import { Mailer, buildRaw, composeMessage, parseAppendHeader, cleanSubject, decodeText } from '../../src/alert/mailer';
import { throttled } from '../../src/alert/scan-logr';
import { safeName, whoisLines, Resolver } from '../../src/alert/resolver';
import { whoisLookup, referral } from '../../src/alert/whois-client';
import { splitWords, extScriptArgv, ExtScriptRunner } from '../../src/alert/ext-script';
import { DShield, decodeMonth, dshieldLine, dshieldTimezone } from '../../src/alert/dshield';
import { syslogPriority } from '../../src/alert/syslog';
import { AlertDelivery } from '../../src/alert/delivery';

const HOSTILE_SUBJECT = '[psad-alert] DL3 src: evil.example\r\nBcc: victim@example.com\r\n\r\nbody? dst: 10.0.0.1';

test('EMAIL_THROTTLE N keeps the 1st, (N+1)th, (2N+1)th alert (psad 2.4.6 dropped every Nth, Q14)', () => {
  const kept = [...Array(25).keys()].map((i) => i + 1).filter((c) => !throttled(c, 10));
  assert.deepEqual(kept, [1, 11, 21]);
  assert.deepEqual([1, 2, 3].filter((c) => !throttled(c, 0)), [1, 2, 3]);
  assert.deepEqual([1, 2, 3].filter((c) => !throttled(c, 1)), [1, 2, 3]);
  assert.equal(throttled(0, 5), false, 'a counter that never grows (mail disabled) is not throttled');
});

test('EMAIL_APPEND_HEADER: psad.conf\'s "From:x" form and mailx\'s "-a From:x" form give headers', () => {
  assert.deepEqual(parseAppendHeader('NONE'), []);
  assert.deepEqual(parseAppendHeader('From:you@somehost'), [{ name: 'From', value: 'you@somehost' }]);
  assert.deepEqual(parseAppendHeader('-a From:psad@example.com -a X-Psad: yes'), [
    { name: 'From', value: 'psad@example.com' }, { name: 'X-Psad', value: 'yes' }]);
  assert.deepEqual(parseAppendHeader('not a header'), []);
});

test('a hostile subject stays one header line; the body stays the body', async () => {
  const msg = composeMessage({ to: ['a@example.com', '-oQ/tmp/x', 'b@example.com,c@example.com'], subject: HOSTILE_SUBJECT, body: 'Bcc: x@example.com\n\n.\nline\n' }, 'psad@fw');
  const raw = (await buildRaw(msg)).toString('latin1');
  const head = raw.slice(0, raw.indexOf('\r\n\r\n'));
  assert.doesNotMatch(head, /^Bcc:/mi);
  const p = await simpleParser(Buffer.from(raw, 'latin1'));
  assert.equal(p.subject, '[psad-alert] DL3 src: evil.example Bcc: victim@example.com body? dst: 10.0.0.1');
  assert.equal(p.bcc, undefined);
  assert.deepEqual((Array.isArray(p.to) ? p.to : [p.to!]).flatMap((a) => a.value.map((v) => v.address)), ['a@example.com', 'b@example.com', 'c@example.com']);
  assert.equal(p.text, 'Bcc: x@example.com\n\n.\nline\n');
});

test('bytes of the body: UTF-8 stays UTF-8, other bytes are read as Latin-1', () => {
  assert.equal(decodeText(Buffer.from('Zürich 北京', 'utf8').toString('latin1')), 'Zürich 北京');
  assert.equal(decodeText('Z\xfcrich'), 'Zürich');
  assert.equal(cleanSubject('a\x1b[31mb\x00c'), 'a [31mb c');
});

test('reverse DNS names: PTR data that is not a host name is shown escaped', () => {
  assert.equal(safeName('host-1.example.com'), 'host-1.example.com');
  assert.equal(safeName('a\r\nBcc: x@y'), 'a\\013\\010Bcc\\058\\032x\\064y');
  assert.equal(safeName('$(reboot)`id`;|'), '\\036\\040reboot\\041\\096id\\096\\059\\124');
  assert.equal(safeName('ä'), '\\195\\164');
  // as the resolver (c-ares) gives them: \DDD for unprintable bytes, \X for special characters
  assert.equal(safeName('evil\\013\\010bcc: x\\@y.\\$\\(touch /tmp/pwned\\)'), 'evil\\013\\010bcc\\058\\032x\\064y.\\036\\040touch\\032\\047tmp\\047pwned\\041');
  assert.equal(safeName('x'.repeat(300)).length, 255);
});

test('whois text: CR LF as LF, control characters as ?, ENABLE_WHOIS_FORCE_ASCII keeps the line feeds (psad 2.4.6 turned them into NA, Q25)', () => {
  assert.deepEqual(whoisLines('NetName: X\r\nDescr: \x1b[2Jbad\x07\r\n', false), ['NetName: X\n', 'Descr: ?[2Jbad?\n']);
  assert.deepEqual(whoisLines('OrgName: Z\xfcrich\tAG\nx\n', true), ['OrgName: ZNArichNAAG\n', 'x\n']);
  assert.deepEqual(whoisLines('a\nb', false, 10), ['a\n', 'b\n', '[whois answer cut after 10 bytes]\n']);
});

test('syslog facility and priority: a LOG_* name anywhere in the value, LOG_LOCAL7 tried first as psad does', () => {
  assert.equal(syslogPriority('LOG_LOCAL7', 'LOG_INFO'), 'local7.info');
  assert.equal(syslogPriority('log_local3', 'LOG_WARNING'), 'local3.warning');
  assert.equal(syslogPriority('LOG_LOCAL1|LOG_LOCAL6', 'LOG_ERR'), 'local6.err');
});

test('EXTERNAL_SCRIPT: the first SRCIP replaced, words split without a shell', () => {
  assert.deepEqual(extScriptArgv('/usr/local/bin/block SRCIP --why "port scan" SRCIP', '10.0.0.2'),
    ['/usr/local/bin/block', '10.0.0.2', '--why', 'port scan', 'SRCIP']);
  assert.deepEqual(splitWords("a 'b c' d\\ e \"f\\\"g\" $(x) `y` ;|&>"), ['a', 'b c', 'd e', 'f"g', '$(x)', '`y`', ';|&>']);
});

test('external scripts run one at a time without a shell, stopped after the timeout', async () => {
  const dir = tmpDir('ext');
  try {
    const out = path.join(dir, 'out');
    const script = path.join(dir, 's.sh');
    fs.writeFileSync(script, `#!/bin/sh\nprintf '%s|' "$@" >> ${out}\necho >> ${out}\n[ "$1" = slow ] && sleep 30\nexit 0\n`, { mode: 0o755 });
    const logs: string[] = [];
    const r = new ExtScriptRunner({ log: (m) => logs.push(m), timeoutMs: 500 });
    r.run(`${script} slow`, '10.0.0.9');
    r.run(`${script} SRCIP ;touch ${dir}/pwned $(touch ${dir}/pwned2)`, '10.0.0.2');
    await r.idle(10000);
    assert.equal(fs.readFileSync(out, 'latin1'), `slow|\n10.0.0.2|;touch|${dir}/pwned|$(touch|${dir}/pwned2)|\n`);
    assert.ok(!fs.existsSync(path.join(dir, 'pwned')) && !fs.existsSync(path.join(dir, 'pwned2')));
    assert.match(logs.join('\n'), /still running after 1 s, stopped/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('DShield lines and report as psad 2.4.6 writes them (month unpadded, Q24)', () => {
  assert.equal(decodeMonth('Mar'), 3);
  assert.equal(decodeMonth('Ju'), 0);
  assert.equal(dshieldLine('Mar  1 10:20:30', '1.2.3.4\t4000\t10.0.0.1\t22\tTCP\tSYN', '7', 2026, '-05:00'),
    '2026-3-01 10:20:30 -05:00\t7\t1\t1.2.3.4\t4000\t10.0.0.1\t22\tTCP\tSYN\n');
  assert.equal(dshieldLine('2026-03-01T10:20:30', 'x', '7', 2026, '00:00'), null);
  assert.match(dshieldTimezone(new Date()), /^-?\d\d:00$/);
  const dir = tmpDir('dshield');
  try {
    const sent: { to: string[]; subject: string; body: string; from?: string }[] = [];
    const logs: string[] = [];
    const ds = new DShield({
      userId: '42', alertEmail: 'reports@dshield.example', userEmail: 'me@example.com', dlThreshold: 2, intervalHours: 1, checkInterval: 5,
      emailFile: path.join(dir, 'dshield.email'), counterFile: path.join(dir, 'dshield_ctr'), version: '2.4.6',
      send: (m) => sent.push(m), log: (m) => logs.push(m),
    }, 1000);
    ds.startBatch(new Date(2026, 2, 11));
    ds.add('Mar 11 10:00:00', '1.2.3.4\t1\t10.0.0.1\t2\tTCP\tSYN');
    ds.add('Mar 11 10:00:01', '5.6.7.8\t1\t10.0.0.1\t2\tUDP');
    ds.add('Mar 11 10:00:02', 'fd00::1\t1\tfd00::2\t2\tTCP\tSYN');
    assert.equal(ds.maybeSend(1000 + 3599, () => 3), false, 'not before DSHIELD_ALERT_INTERVAL');
    assert.equal(ds.maybeSend(1000 + 3600, (ip) => (ip === '1.2.3.4' ? 2 : 1)), true);
    assert.equal(sent.length, 1);
    assert.equal(sent[0].subject, `FORMAT DSHIELD USERID 42 TZ ${dshieldTimezone(new Date(2026, 2, 11))} psad Version 2.4`);
    assert.equal(sent[0].from, 'me@example.com');
    assert.match(sent[0].body, /^2026-3-11 10:00:00 \S+\t42\t1\t1\.2\.3\.4\t1\t10\.0\.0\.1\t2\tTCP\tSYN\n$/);
    assert.match(fs.readFileSync(path.join(dir, 'dshield.email'), 'latin1'), /^From: me@example.com\nTo: reports@dshield.example\nSubject: FORMAT DSHIELD/);
    assert.equal(fs.readFileSync(path.join(dir, 'dshield_ctr'), 'latin1'), 'total emails: 1\ntotal packets: 2\n');
    assert.deepEqual(logs, ['sent 2 lines of log data to reports@dshield.example']);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

/** A whois server on loopback answering `answer(query)`. */
async function whoisServer(answer: (q: string) => string | Buffer | null): Promise<{ port: number; queries: string[]; close: () => void }> {
  const queries: string[] = [];
  const srv = net.createServer((s) => {
    let q = '';
    s.on('data', (d) => {
      q += d.toString('latin1');
      if (!q.includes('\r\n')) return;
      queries.push(q.trim());
      const a = answer(q.trim());
      if (a === null) return; // hang
      s.end(a);
    });
    s.on('error', () => undefined);
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  return { port: (srv.address() as net.AddressInfo).port, queries, close: () => srv.close() };
}

test('whois client: bytes kept, answers cut at the limit, a silent server times out', async () => {
  const big = Buffer.alloc(1 << 20, 'A');
  const s = await whoisServer((q) => (q === '10.9.9.9' ? null : q === '10.8.8.8' ? big : Buffer.from(`NetName: T\r\nOrg: Z\xfcrich ${q}\r\n`, 'latin1')));
  try {
    const a = await whoisLookup('10.1.1.1', { server: `127.0.0.1:${s.port}`, timeoutMs: 2000, maxBytes: 1000 });
    assert.equal(a.text, 'NetName: T\r\nOrg: Z\xfcrich 10.1.1.1\r\n');
    const b = await whoisLookup('10.8.8.8', { server: `127.0.0.1:${s.port}`, timeoutMs: 2000, maxBytes: 4096 });
    assert.equal(b.text.length, 4096);
    assert.equal(b.truncated, true);
    const t0 = Date.now();
    await assert.rejects(whoisLookup('10.9.9.9', { server: `127.0.0.1:${s.port}`, timeoutMs: 300, maxBytes: 1000 }), /timeout/);
    assert.ok(Date.now() - t0 < 2000);
  } finally {
    s.close();
  }
  assert.equal(referral('refer:        whois.ripe.net\n', 'whois.iana.org'), 'whois.ripe.net');
  assert.equal(referral('ReferralServer:  whois://whois.ripe.net\n', 'whois.arin.net'), 'whois.ripe.net');
  assert.equal(referral('ReferralServer:  rwhois://evil.example:4321\n', 'whois.arin.net'), '', 'rwhois and other ports are not followed');
});

test('Resolver: whois answers cached per address (WHOIS_LOOKUP_THRESHOLD) in <ip>_whois; a timeout gives "Whois data not available!"', async () => {
  const dir = tmpDir('resolver');
  const s = await whoisServer((q) => (q === '10.9.9.9' ? null : `inetnum: ${q}\n`));
  try {
    const errs: string[] = [];
    const r = new Resolver({ dnsThreshold: 2, whoisThreshold: 2, whoisTimeout: 0.3, dnsTimeoutMs: 300, whoisServer: `127.0.0.1:${s.port}`, onError: (m) => errs.push(m) });
    const f = path.join(dir, '10.1.1.1_whois');
    const [a, b] = await Promise.all([r.whois('10.1.1.1', f), r.whois('10.1.1.1', f)]);
    assert.deepEqual(a, ['inetnum: 10.1.1.1\n']);
    assert.deepEqual(b, a, 'a lookup already running is shared');
    assert.equal(fs.readFileSync(f, 'latin1'), 'inetnum: 10.1.1.1\n');
    await r.whois('10.1.1.1', f);
    await r.whois('10.1.1.1', f);
    assert.equal(s.queries.length, 1, 'reused while under the threshold');
    await r.whois('10.1.1.1', f);
    assert.equal(s.queries.length, 2, 'asked again at the threshold');
    assert.deepEqual(await r.whois('10.9.9.9', path.join(dir, '10.9.9.9_whois')), ['Whois data not available!\n']);
    assert.ok(!fs.existsSync(path.join(dir, '10.9.9.9_whois')));
    assert.match(errs.join('\n'), /whois lookup for 10\.9\.9\.9 failed: .*timeout/);
  } finally {
    s.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('AlertDelivery: alerts finish in order although their lookups end in another order; close() finishes waiting ones', async () => {
  const order: string[] = [];
  const slow = new Map([['10.0.0.1', 200], ['10.0.0.2', 10]]);
  const d = new AlertDelivery({
    reverse: (ip) => new Promise((r) => setTimeout(() => r(`h-${ip}`), slow.get(ip) ?? 0)),
    whois: () => new Promise(() => undefined),
  }, (m) => order.push(`error ${m}`));
  d.lookup({ dns: ['10.0.0.1'], whois: null }, (r) => order.push(`a ${r.dns[0]}`));
  d.lookup({ dns: ['10.0.0.2'], whois: null }, (r) => order.push(`b ${r.dns[0]}`));
  d.lookup({ dns: [], whois: null }, () => order.push('c'));
  d.lookup({ dns: [], whois: { ip: '10.0.0.3', file: '' } }, (r) => order.push(`d ${r.whois.join('')}`));
  assert.equal(order.length, 0, 'nothing runs before the lookups of the alerts before it');
  await d.close(500);
  assert.deepEqual(order, ['a h-10.0.0.1', 'b h-10.0.0.2', 'c', 'd Whois data not available!\n']);
  d.lookup({ dns: [], whois: null }, () => order.push('e'));
  assert.equal(order[4], 'e', 'nothing waiting and nothing asked: at once');
});

async function smtp(opts: { fail?: number } = {}): Promise<{ port: number; mails: Buffer[]; close: () => Promise<void>; tries: () => number }> {
  const mails: Buffer[] = [];
  let tries = 0;
  const srv = new SMTPServer({
    authOptional: true, disabledCommands: ['STARTTLS'], logger: false,
    onData(stream, _session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        tries++;
        if (tries <= (opts.fail ?? 0)) {
          cb(Object.assign(new Error('try again later'), { responseCode: 451 }));
          return;
        }
        mails.push(Buffer.concat(chunks));
        cb();
      });
    },
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  return {
    port: (srv.server.address() as net.AddressInfo).port, mails, tries: () => tries,
    close: () => new Promise((r) => srv.close(() => r())),
  };
}

test('Mailer over SMTP: a refused mail is logged and retried until the server takes it', async () => {
  const s = await smtp({ fail: 2 });
  try {
    const errs: string[] = [];
    const m = new Mailer({
      addresses: 'root@localhost', appendHeader: '-a From:psad@fw.example', enabled: true, onError: (e) => errs.push(e),
      transport: { kind: 'smtp', host: '127.0.0.1', port: s.port, startTls: false, user: '', password: '' },
      retryDelaysMs: [50, 50, 50],
    });
    m.send('[psad-alert] DL2 src: 10.0.0.2 dst: 10.0.0.1', 'body\n');
    await m.idle(10000);
    assert.equal(s.mails.length, 1);
    assert.equal(s.tries(), 3);
    assert.equal(errs.length, 2);
    assert.match(errs[0], /could not send mail "\[psad-alert\] DL2 src: 10\.0\.0\.2 dst: 10\.0\.0\.1": .*try again later; retry 1 of 3/);
    const p = await simpleParser(s.mails[0]);
    assert.equal(p.from?.value[0].address, 'psad@fw.example');
    assert.equal(p.text, 'body\n');
    m.close();
  } finally {
    await s.close();
  }
});

test('Mailer: a mail that cannot be delivered is saved to the spool and logged, and send() never blocks', async () => {
  const dir = tmpDir('spool');
  try {
    const errs: string[] = [];
    const sendmail = path.join(dir, 'sendmail');
    fs.writeFileSync(sendmail, '#!/bin/sh\ncat >/dev/null\nexit 75\n', { mode: 0o755 });
    const m = new Mailer({
      addresses: 'root@localhost', appendHeader: 'NONE', enabled: true, onError: (e) => errs.push(e),
      transport: { kind: 'sendmail', path: sendmail }, spoolDir: path.join(dir, 'spool'), retryDelaysMs: [20],
    });
    const t0 = Date.now();
    for (let i = 0; i < 3; i++) m.send(`[psad-alert] DL1 src: 10.0.0.${i} dst: 10.0.0.9`, `alert ${i}\n`);
    assert.ok(Date.now() - t0 < 50, 'send() returns at once');
    await m.idle(10000);
    const spooled = fs.readdirSync(path.join(dir, 'spool'));
    assert.equal(spooled.length, 3);
    const texts = await Promise.all(spooled.map(async (f) => (await simpleParser(fs.readFileSync(path.join(dir, 'spool', f)))).text));
    assert.deepEqual(texts.sort(), ['alert 0\n', 'alert 1\n', 'alert 2\n']);
    assert.equal(errs.filter((e) => /retry 1 of 1/.test(e)).length, 3);
    assert.equal(errs.filter((e) => /was not delivered \(Sendmail exited with code 75\); saved as /.test(e)).length, 3);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('Mailer without a transport runs the mail command with an argument list (the programs that still use mailCmd)', async () => {
  const dir = tmpDir('mailcmd');
  try {
    const out = path.join(dir, 'out');
    const mail = path.join(dir, 'mail');
    fs.writeFileSync(mail, `#!/bin/sh\nfor a in "$@"; do printf '[%s]' "$a"; done > ${out}\necho >> ${out}\ncat >> ${out}\n`, { mode: 0o755 });
    const m = new Mailer({ mailCmd: mail, addresses: 'a@example.com b@example.com,c@example.com', appendHeader: '-a From:p@x', enabled: true, onError: () => undefined });
    m.send('[psad-status] x "$(touch pwned)" `id`', 'body\n');
    await m.idle(5000);
    assert.equal(fs.readFileSync(out, 'latin1'), '[-a][From:p@x][-s][[psad-status] x "$(touch pwned)" `id`][a@example.com][b@example.com,c@example.com]\nbody\n');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
