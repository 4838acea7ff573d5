import * as fs from 'fs';
import * as path from 'path';
import { REFERENCE, ROOT } from './paths';

/**
 * Small logs of the project's own for the --debug/--test-mode checks, in the
 * format of the captures in examples/nmap-scans.log (iptables LOG lines of a
 * Debian kernel through rsyslog): the four cases psad's own test suite
 * checks with --test-mode (a SYN port sweep, a Topera IPv6 SYN scan, a Mirai
 * default-credentials scan, a syslog line with a hostname and timestamp
 * format of another kind).
 */
const MAC4 = 'MAC=1e:ac:a4:97:71:4b:5a:93:3a:ca:8d:bf:08:00';
const MAC6 = 'MAC=1e:ac:a4:97:71:4b:5a:93:3a:ca:8d:bf:86:dd';

function v4(time: string, host: string, src: string, dst: string, ttl: number, id: number, sp: number, dp: number, tail = 'SYN URGP=0 OPT (020405B4) '): string {
  return `${time} ${host} kernel: [ 2671.561306] DROP IN=vethfw OUT= ${MAC4} SRC=${src} DST=${dst} LEN=44 TOS=0x00 PREC=0x00 TTL=${ttl} ID=${id} PROTO=TCP SPT=${sp} DPT=${dp} WINDOW=1024 RES=0x00 ${tail}`;
}

/** One SYN to port 1083 on 12 addresses (one of them twice): a port sweep, DL 1. */
export function synSweepLog(): string {
  const dsts = ['10.77.0.1', '10.77.0.3', '10.77.0.9', '10.77.1.20', '10.77.1.21', '10.77.2.200', '10.77.3.7', '10.77.4.40',
    '10.77.5.50', '10.77.6.60', '10.77.7.70', '10.77.0.3'];
  return dsts.map((d, i) => `${v4('Nov 24 20:58:0' + (i % 10), 'vm', '10.77.0.5', d, 53, 31552 + i, 51199, 1083)}\n`).join('');
}

/**
 * Topera (IPv6 SYN scan hiding behind empty IPv6 extension headers): each
 * SYN with nine "OPT ( )" groups (--log-ip-options), ports 0..40.
 */
export function toperaLog(): string {
  const out: string[] = [];
  for (let p = 0; p <= 40; p++) {
    out.push(`Nov 24 21:02:${String(10 + (p % 50)).padStart(2, '0')} vm kernel: [ 2990.1${String(p).padStart(5, '0')}] DROP IN=vethfw OUT= ${MAC6} `
      + 'SRC=fd77:0000:0000:0000:0000:0000:0000:0002 DST=fd77:0000:0000:0000:0000:0000:0000:0001 LEN=132 TC=0 HOPLIMIT=64 FLOWLBL=0 '
      + `${'OPT ( ) '.repeat(9)}PROTO=TCP SPT=${40000 + p} DPT=${p} WINDOW=8192 RES=0x00 SYN URGP=0 `);
  }
  return out.map((l) => `${l}\n`).join('');
}

/** Ten SYNs to telnet (23), then one to 2323 on the same host: Mirai looking for default credentials. */
export function miraiLog(): string {
  const out: string[] = [];
  for (let i = 0; i < 10; i++) out.push(v4(`Nov 24 21:05:1${i}`, 'vm', '10.77.0.2', '10.77.0.1', 40 + i, 1000 + 97 * i, 56248, 23));
  out.push(v4('Nov 24 21:05:20', 'vm', '10.77.0.2', '10.77.0.1', 52, 2024, 56248, 2323));
  return out.map((l) => `${l}\n`).join('');
}

/** The hostname psad shows for the RFC 3339 lines of unusualHostLog(). */
export const UNUSUAL_HOST = 'edge-gw01.dmz.example.org';

/**
 * A small SYN scan (DL 1) in rsyslog's RFC 3339 timestamps
 * (RSYSLOG_FileFormat) with a fully qualified hostname, a line of a host
 * given as an address in the traditional format, and a line without any
 * syslog header (psad: "unknown", the current time).
 */
export function unusualHostLog(): string {
  const rfc = [21, 22, 23, 25, 53, 80].map((dp, i) => v4(`2026-03-08T02:25:1${i}.444012+02:00`, UNUSUAL_HOST, '10.77.0.2', '10.77.0.1', 53, 100 + i, 51199, dp));
  return [
    ...rfc,
    v4('Mar  8 02:25:13', '192.0.2.254', '10.77.0.2', '10.77.0.1', 53, 102, 51199, 110),
    `kernel: [ 2671.561306] DROP IN=vethfw OUT= ${MAC4} SRC=10.77.0.2 DST=10.77.0.1 LEN=44 TOS=0x00 PREC=0x00 TTL=53 ID=103 PROTO=TCP SPT=51199 DPT=143 WINDOW=1024 RES=0x00 SYN URGP=0 `,
  ].map((l) => `${l}\n`).join('');
}

/** Files of a directory that look like firewall logs (a kernel line with IN= and OUT=). */
function logsIn(dir: string, names?: string[]): string[] {
  if (!fs.existsSync(dir)) return [];
  const out: string[] = [];
  for (const name of names ?? fs.readdirSync(dir).sort()) {
    const f = path.join(dir, name);
    if (!fs.existsSync(f) || !fs.statSync(f).isFile()) continue;
    const head = fs.readFileSync(f, 'latin1').slice(0, 65536);
    if (/IN=.*OUT=/.test(head)) out.push(f);
  }
  return out;
}

/** Every log the comparison runs over. */
export function debugLogs(): string[] {
  const golden = path.join(ROOT, 'test', 'golden');
  const cases = fs.existsSync(golden) ? fs.readdirSync(golden).sort() : [];
  const logs: string[] = [];
  for (const c of cases) {
    const dir = path.join(golden, c);
    if (!fs.statSync(dir).isDirectory()) continue;
    const input = logsIn(dir, ['input.log']);
    logs.push(...(input.length ? input : logsIn(dir).filter((f) => !/expected/.test(path.basename(f)))));
  }
  logs.push(path.join(ROOT, 'examples', 'nmap-scans.log'));
  logs.push(...logsIn(path.join(REFERENCE, 'test', 'scans', 'iptables')));
  return logs;
}

