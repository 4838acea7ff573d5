import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { ROOT, PSAD_BIN, tmpDir } from '../helpers/paths';
import { NetLab, PrivateRsyslog, rootSkipReason, waitFor } from '../helpers/netlab';
import { CONF, Procs, linesWith, psadCmd, reportSources, settled, sleep } from '../helpers/daemon-lab';
import { pidAlive, readPid } from '../../src/daemon/pidfile';

/**
 * The burst a real host sees on every boot: rsyslog starts over several
 * hundred kernel firewall lines nobody has read yet and replays them into
 * the FIFO at once (psad 2.4.6's `kern.info |FIFO` line, rsyslog's ompipe,
 * which drops what finds the FIFO full). Then real scans from three more
 * addresses. fwdata must hold every line rsyslog passed on, and psad must
 * see every scanner. The same set-up with psad 2.4.6's C kmsgsd is measured
 * for comparison (reported, not asserted: it depends on timing).
 */

const skip = rootSkipReason(['ip', 'iptables', 'nmap', 'rsyslogd', 'flock']);
const NET = 93;
const SCANNERS = [3, 4, 5];
const KMSGSD_REF = '/usr/sbin/kmsgsd';

interface Round {
  backlog: number;
  kern: string[];
  fwdata: string[];
}

/**
 * One round: the backlog (a scan while nothing reads the kernel log), the
 * reader started by `startReader`, rsyslog, the scans; what rsyslog got and
 * what reached `fwdata`.
 */
async function round(lab: NetLab, dir: string, fifo: string, fwdata: string, startReader: () => Promise<void>): Promise<Round> {
  const net = `SRC=10.${NET}.0.`;
  lab.nmap(['-sS', '-p', '1-400', lab.fwIp]);
  await sleep(500);
  await startReader();
  const kernLog = path.join(dir, 'kern.log');
  const rsyslog = new PrivateRsyslog(dir, [
    `kern.* action(type="omfile" file="${kernLog}" template="RSYSLOG_TraditionalFileFormat")`,
    `kern.info action(type="ompipe" pipe="${fifo}" template="RSYSLOG_TraditionalFileFormat")`,
  ]);
  try {
    await rsyslog.start();
    await settled(kernLog, 1500);
    for (const h of SCANNERS) lab.nmap(['-sS', '-S', `10.${NET}.0.${h}`, '-e', 'veth1', '-p', '1000-1199', lab.fwIp]);
    await settled(kernLog, 1500);
    await settled(fwdata, 1500);
  } finally {
    await rsyslog.stop();
  }
  return {
    backlog: linesWith(kernLog, `SRC=${lab.scanIp} `).length,
    kern: linesWith(kernLog, net),
    fwdata: linesWith(fwdata, net),
  };
}

test('rsyslog started over a backlog of unread kernel firewall lines, then scans: fwdata holds every line, psad sees every scanner', { skip, timeout: 300000 }, async (t) => {
  const dir = tmpDir('burst-e2e');
  const procs = new Procs();
  const lab = new NetLab({ net: NET });
  try {
    lab.up();
    for (const h of SCANNERS) lab.inScan('ip', ['addr', 'add', `10.${NET}.0.${h}/24`, 'dev', 'veth1']);

    // psad-node: psad starts kmsgsd, which reads the FIFO before rsyslog starts
    const root = path.join(dir, 'root');
    const fifo = path.join(root, 'var/lib/psad/psadfifo');
    fs.mkdirSync(path.dirname(fifo), { recursive: true, mode: 0o700 });
    spawnSync('mkfifo', ['-m', '600', fifo]);
    fs.writeFileSync(path.join(dir, 'rsyslog.conf'), `kern.info\t\t|${fifo}\n`);
    const ovr = path.join(dir, 'override.conf');
    fs.writeFileSync(ovr, [
      `INSTALL_ROOT ${root};`, `PSAD_CONF_DIR ${path.join(ROOT, 'etc')};`, 'ENABLE_SYSLOG_FILE N;', 'SYSLOG_DAEMON rsyslogd;',
      `ETC_RSYSLOG_CONF ${path.join(dir, 'rsyslog.conf')};`, 'CHECK_INTERVAL 1;', 'HOSTNAME fw-burst;', 'ALERTING_METHODS noemail;',
      `SYSLOG_SOCKET ${path.join(dir, 'no-syslog.sock')};`, 'ENABLE_DNS_LOOKUPS N;', 'ENABLE_WHOIS_LOOKUPS N;', 'AUTO_DETECT_JOURNALCTL N;', '',
    ].join('\n'));
    for (const n of ['psad', 'kmsgsd']) procs.addPidFile(path.join(root, 'var/run/psad', `${n}.pid`));
    const fwdata = path.join(root, 'var/log/psad/fwdata');
    const ours = await round(lab, path.join(dir, 'ours'), fifo, fwdata, async () => {
      fs.mkdirSync(path.join(dir, 'ours'));
      const r = spawnSync('ip', ['netns', 'exec', lab.fw, process.execPath, PSAD_BIN, '-c', CONF, '-O', ovr], { encoding: 'latin1', timeout: 60000 });
      assert.equal(r.status, 0, r.stderr);
      await waitFor('kmsgsd', () => pidAlive(readPid(path.join(root, 'var/run/psad/kmsgsd.pid'))), 20000);
      await sleep(1500);
    });
    t.diagnostic(`psad-node's kmsgsd: rsyslog replayed ${ours.backlog} backlog lines; fwdata holds ${ours.fwdata.length} of ${ours.kern.length} lines`);
    assert.ok(ours.backlog >= 200, `a backlog of several hundred lines (${ours.backlog})`);
    assert.deepEqual(ours.fwdata, ours.kern, 'fwdata holds every line rsyslog passed on, in order, once');
    // psad: every scanner, with all its packets
    await sleep(2000);
    const seen = reportSources(psadCmd(ovr, ['-S'], lab.fw).stdout);
    for (const h of [2, ...SCANNERS]) {
      const ip = `10.${NET}.0.${h}`;
      assert.equal(seen.get(ip)?.pkts, ours.kern.filter((l) => l.includes(`SRC=${ip} `)).length, `${ip} seen with all its packets`);
    }
    psadCmd(ovr, ['-K'], lab.fw);

    // psad 2.4.6's kmsgsd in the same situation
    if (fs.existsSync(KMSGSD_REF)) {
      const refRoot = path.join(dir, 'ref', 'root');
      const refFifo = path.join(refRoot, 'var/lib/psad/psadfifo');
      for (const d of ['var/lib/psad', 'var/log/psad', 'var/run/psad']) fs.mkdirSync(path.join(refRoot, d), { recursive: true, mode: 0o700 });
      spawnSync('mkfifo', ['-m', '600', refFifo]);
      const refOvr = path.join(dir, 'ref', 'ref.conf');
      fs.writeFileSync(refOvr, `INSTALL_ROOT ${refRoot};\n`);
      procs.addPidFile(path.join(refRoot, 'var/run/psad/kmsgsd.pid'));
      const ref = await round(lab, path.join(dir, 'ref'), refFifo, path.join(refRoot, 'var/log/psad/fwdata'), async () => {
        const r = spawnSync(KMSGSD_REF, ['-c', '/etc/psad/psad.conf', '-O', refOvr], { encoding: 'latin1' });
        assert.equal(r.status, 0, r.stderr);
        await sleep(500);
      });
      const refSeen = [2, ...SCANNERS].filter((h) => ref.fwdata.some((l) => l.includes(`SRC=10.${NET}.0.${h} `))).length;
      t.diagnostic(`psad 2.4.6's kmsgsd: rsyslog replayed ${ref.backlog} backlog lines; fwdata holds ${ref.fwdata.length} of ${ref.kern.length} lines; ${refSeen} of ${SCANNERS.length + 1} scanners in it`);
    }
  } finally {
    await procs.stopAll();
    lab.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
