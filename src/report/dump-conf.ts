import { spawnSync } from 'child_process';
import * as fs from 'fs';
import { PsadConfig } from '../config/config';
import { PSAD_VERSION } from './status-report';

const IPV4_G = /(?:[0-2]?\d{1,2}\.){3}[0-2]?\d{1,2}/g;

function run(cmd: string | undefined, fallback: string, args: string[]): string[] {
  for (const c of [cmd, fallback]) {
    if (!c) continue;
    const r = spawnSync(c, args, { encoding: 'latin1', timeout: 10000 });
    if (!r.error && typeof r.stdout === 'string') return r.stdout.split('\n').filter((l, i, a) => i < a.length - 1 || l !== '').map((l) => `${l}\n`);
  }
  return [];
}

const SENSITIVE = new Set(['DSHIELD_USER_EMAIL', 'DSHIELD_USER_ID', 'EMAIL_ADDRESSES', 'HOME_NET', 'HOSTNAME', 'EXTERNAL_NET']);

/**
 * -D/--Dump-conf: system information with addresses removed, then every
 * config variable (sensitive ones removed) and the command paths. The
 * reference's "perl info" section shows the Node.js runtime instead.
 */
export function dumpConf(cfg: PsadConfig): string {
  const o: string[] = [];
  o.push('[+] uname output:\n');
  for (const l of run(cfg.cmd('uname'), 'uname', ['-a'])) o.push(l.replace(/Linux\s+(\S+)\s/, 'Linux (removed) '));
  o.push('\n');
  o.push('[+] node info:\n');
  o.push(`node ${process.version}\n`);
  for (const k of Object.keys(process.versions).sort()) o.push(`    ${k}: ${process.versions[k]}\n`);
  o.push(`    platform: ${process.platform} ${process.arch}\n`);
  o.push('\n');
  const ps = run(cfg.cmd('ps'), 'ps', ['auxww']);
  o.push('[+] syslog processes:\n');
  for (const l of ps) if (/syslog/i.test(l)) o.push(l);
  o.push('\n');
  o.push('[+] psad processes:\n');
  for (const l of ps) if (/psad/i.test(l)) o.push(l);
  o.push('\n');
  if (/iproute2/i.test(cfg.get('IFCFGTYPE'))) {
    o.push('[+] ip addr output:\n');
    for (const l of run(cfg.cmd('ip'), 'ip', ['addr'])) o.push(l.replace(IPV4_G, 'x.x.x.x').replace(/inet6\s+\S+/, 'inet6 (removed)'));
  } else {
    o.push('[+] ifconfig output:\n');
    for (const l of run(cfg.cmd('ifconfig'), 'ifconfig', ['-a'])) o.push(l.replace(IPV4_G, 'x.x.x.x').replace(/inet6\s+addr:\s+\S+/, 'inet6 addr: (removed)'));
  }
  o.push('\n');
  o.push(`\n[+] psad v${PSAD_VERSION}\n\n`);
  const installLog = '/var/log/psad/install.log';
  o.push(fs.existsSync(installLog) ? `[+] ${installLog} exists.\n\n` : `[+] ${installLog} does NOT exist.\n\n`);
  o.push(`[+] Dumping psad config from: ${cfg.mainFile}\n\n`);
  for (const name of [...cfg.vars.keys()].sort()) {
    let v = cfg.vars.get(name)!;
    if (SENSITIVE.has(name) || name.includes('SERVERS')) v = '(removed)';
    o.push(`${`    ${name}`.padEnd(30)} ${v}\n`);
  }
  o.push('\n[+] Command paths:\n\n');
  for (const name of [...cfg.cmds.keys()].sort()) o.push(`${`[+] ${name}`.padEnd(30)} ${cfg.cmds.get(name)}\n`);
  return o.join('');
}
