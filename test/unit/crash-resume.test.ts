import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { spawn } from 'child_process';
import { ROOT, tmpDir } from '../helpers/paths';
import { loadConfig, PsadConfig } from '../../src/config/config';
import { Engine } from '../../src/engine/engine';
import { Batch } from '../../src/engine/state';
import { Packet } from '../../src/ingest/packet';
import { parseLine, newParserState, PKT_SUCCESS } from '../../src/ingest/parse';
import { engineData, engineOptions, loadDataTables, parserOptions, RuntimeFlags } from '../../src/pipeline/runtime';
import { alertSettings } from '../../src/alert/settings';
import { alertData } from '../../src/pipeline/alert-io';
import { AlertState, scanLogr } from '../../src/alert/scan-logr';
import { importScanData, StatusFilePaths } from '../../src/daemon/status-files';
import { keepScanFilesCurrent } from '../../src/daemon/scan-state-files';
import { findUncleanExit, resumeAlertState } from '../../src/daemon/crash-resume';

const FLAGS: RuntimeFlags = {
  analysisMode: false, noSignatures: false, noSnortSids: false, noIcmpTypes: false, noIcmp6Types: false, noAutoDl: false,
  noPassiveOs: false, snortType: '', interfaceOnly: '', restrictIp: '', dshield: false,
};

function config(dir: string, extra: string): PsadConfig {
  fs.mkdirSync(dir, { recursive: true });
  const ovr = path.join(dir, 'ovr.conf');
  fs.writeFileSync(ovr, `INSTALL_ROOT ${dir}/root;\nPSAD_CONF_DIR ${path.join(ROOT, 'etc')};\nHOSTNAME fw;\n${extra}`);
  const cfg = loadConfig({ configFile: path.join(ROOT, 'etc', 'psad.conf'), overrideFiles: [ovr] });
  fs.mkdirSync(cfg.get('PSAD_DIR'), { recursive: true });
  return cfg;
}

/** A daemon's detection and alert stage, on its own PSAD_DIR; the alert bodies it "mails". */
function daemon(cfg: PsadConfig) {
  const tables = loadDataTables(cfg, FLAGS, () => undefined);
  const engine = new Engine(engineOptions(cfg, FLAGS, []), engineData(tables));
  const popts = parserOptions(cfg, FLAGS, tables, () => undefined);
  const pstate = newParserState();
  const st = new AlertState();
  const mails: string[] = [];
  const ctrs = new Map<string, number>();
  const settings = alertSettings(cfg, { analysisMode: false, analysisEmails: false, noDaemon: false, noEmailAlerts: false, noRdns: true, noWhois: true, noPassiveOs: false });
  return {
    engine, st, mails, ctrs,
    batch(lines: string[], now: number): void {
      const b = new Batch();
      for (const l of lines) {
        const p = new Packet();
        if (parseLine(l, true, p, popts, pstate) === PKT_SUCCESS) engine.processPacket(p, b, now);
      }
      engine.assignDangerLevels(b);
      const written = new Set<string>();
      const io = {
        mkdir: (d: string) => fs.mkdirSync(d, { recursive: true }),
        writeFile: (f: string, t: string) => { written.add(f); fs.writeFileSync(f, t, 'latin1'); },
        syslog: () => undefined, stdout: () => undefined,
        mail: (subject: string, body: string) => { mails.push(`${subject}\n${body.replace(/^=-=.*$/gm, '').replace(/(Current interval: ).*\n.*/, '$1')}`); },
        lookup: (_r: unknown, then: (r: { dns: string[]; whois: string[] }) => void) => then({ dns: [], whois: [] }),
        externalScript: () => undefined, now: () => now,
      };
      scanLogr(engine, b, settings, alertData(tables, engine), st, io);
      keepScanFilesCurrent(engine, b, cfg.get('PSAD_DIR'), written, false, ctrs, io);
    },
  };
}

function syn(src: string, dst: string, intf: string, p0: number, n: number): string[] {
  return Array.from({ length: n }, (_, i) => `Dec  6 04:00:00 fw kernel: DROP IN=${intf} OUT= MAC=00:16:3e:00:00:01:00:16:3e:00:00:02:08:00 SRC=${src} DST=${dst} LEN=44 TOS=0x00 PREC=0x00 TTL=45 ID=${i} PROTO=TCP SPT=40000 DPT=${p0 + i} WINDOW=1024 RES=0x00 SYN URGP=0 `);
}

const paths = (cfg: PsadConfig): StatusFilePaths => ({
  packetCounter: cfg.get('PACKET_COUNTER_FILE'), prefixCounter: cfg.get('IPT_PREFIX_COUNTER_FILE'), dshieldCounter: cfg.get('DSHIELD_COUNTER_FILE'),
  topPorts: cfg.get('TOP_SCANNED_PORTS_FILE'), topSigs: cfg.get('TOP_SIGS_FILE'), topAttackers: cfg.get('TOP_ATTACKERS_FILE'),
});

test('a psad resumed from the per-IP files alerts on the next batch exactly as the psad that never stopped', () => {
  const dir = tmpDir('resume-unit');
  try {
    // EMAIL_LIMIT 3: the third batch reaches it; an interface psad 2.4.6's importer cannot read (veth-a)
    const extra = 'EMAIL_LIMIT 3;\n';
    const a = daemon(config(path.join(dir, 'a'), extra));
    const cfgB = config(path.join(dir, 'b'), extra);
    const b = daemon(cfgB);
    const batch1 = [...syn('203.0.113.5', '192.0.2.1', 'veth-a', 1, 120), ...syn('203.0.113.5', '192.0.2.2', 'veth-a', 1, 30), ...syn('198.51.100.9', '192.0.2.1', 'eth0', 1, 3)];
    const batch2 = [...syn('203.0.113.5', '192.0.2.1', 'veth-a', 121, 400), ...syn('203.0.113.5', '192.0.2.2', 'eth0', 31, 10)];
    const batch3 = syn('203.0.113.5', '192.0.2.1', 'veth-a', 600, 50);
    const batch4 = syn('203.0.113.5', '192.0.2.1', 'veth-a', 700, 50);
    a.batch(batch1, 1000);
    b.batch(batch1, 1000);
    a.batch(batch2, 1005);
    b.batch(batch2, 1005);
    // b "crashes"; its successor resumes from b's files
    const c = daemon(cfgB);
    importScanData(cfgB.get('PSAD_DIR'), paths(cfgB), c.engine, { emailLimitPerDst: false, dshield: false, resume: { keepSignatures: false } });
    resumeAlertState(cfgB, c.engine, c.st);
    const ip = '203.0.113.5';
    const sa = a.engine.sources.get(ip)!;
    const sc = c.engine.sources.get(ip)!;
    assert.equal(sc.dl, sa.dl);
    assert.equal(sc.emailCtr, sa.emailCtr);
    for (const dst of ['192.0.2.1', '192.0.2.2']) {
      const pa = sa.pairs.get(dst)!;
      const pc = sc.pairs.get(dst)!;
      assert.equal(pc.absnum, pa.absnum, `${dst} packets`);
      assert.equal(pc.sTime, pa.sTime);
      assert.equal(pc.totProtocols, pa.totProtocols);
      assert.deepEqual(pc.chain, pa.chain, `${dst} chain/interface counters (veth-a included)`);
      assert.deepEqual([pc.protos.get('tcp')?.absSp, pc.protos.get('tcp')?.absEp], [pa.protos.get('tcp')?.absSp, pa.protos.get('tcp')?.absEp]);
    }
    assert.equal(c.engine.sources.get('198.51.100.9'), undefined, 'below danger level 1: no files, not resumed (as documented)');
    // the next batches: the same alerts (danger level, counters, ranges, e-mail limit)
    const before = a.mails.length;
    a.batch(batch3, 1010);
    c.batch(batch3, 1010);
    a.batch(batch4, 1015);
    c.batch(batch4, 1015);
    assert.ok(a.mails.length > before);
    assert.deepEqual(c.mails, a.mails.slice(before));
    assert.match(c.mails.join('\n'), /reached email message limit/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('an unclean exit is a pid file naming a process that is gone', async () => {
  const dir = tmpDir('unclean');
  try {
    const cfg = config(dir, '');
    const pidFile = cfg.get('PSAD_PID_FILE');
    fs.mkdirSync(path.dirname(pidFile), { recursive: true });
    assert.equal(findUncleanExit(cfg), null, 'no pid file: a fresh start');
    fs.writeFileSync(pidFile, `${process.pid}\n`);
    assert.equal(findUncleanExit(cfg), null, 'this process');
    const child = spawn('sleep', ['30']);
    fs.writeFileSync(pidFile, `${child.pid}\n`);
    assert.equal(findUncleanExit(cfg), null, 'a live psad');
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const u = findUncleanExit(cfg);
    assert.equal(u?.pid, child.pid);
    assert.equal(u?.source, null);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
