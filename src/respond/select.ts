/**
 * Which firewall psad blocks with: FW_BACKEND iptables | nftables | auto.
 *
 * auto (the default) takes nftables when all of these hold, else iptables:
 *  - ENABLE_OVERRIDE_FW_CMD is not Y (FW_CMD/FW_CMD_ARGS, e.g. firewalld's
 *    passthrough, take iptables arguments);
 *  - nft (nftCmd) is executable;
 *  - iptables (iptablesCmd) is absent, or `iptables -V` names the nf_tables
 *    variant (iptables-nft): its rules are part of the one nftables ruleset,
 *    so psad's own `inet psad` table blocks before them and `nft` sees them;
 *  - no legacy x_tables table is loaded (/proc/net/ip_tables_names and
 *    ip6_tables_names are empty or absent): with a legacy iptables firewall,
 *    psad stays in that firewall.
 */
import * as fs from 'fs';
import * as path from 'path';
import { PsadConfig } from '../config/config';
import { PsadError } from '../config/errors';
import { autoChains } from './chains';
import { FirewallBackend } from './backend';
import { IptablesBackend, Runner } from './iptables';
import { NftBackend, nftRunner } from './nftables';

export type BackendName = 'iptables' | 'nftables';

export interface BackendChoice {
  name: BackendName;
  /** why, in words (for logs and --fw-analyze) */
  why: string;
}

export interface BackendProbe {
  run?: Runner;
  executable?: (p: string) => boolean;
  /** contents of a /proc file ('' when absent) */
  readProc?: (p: string) => string;
}

function isExecutable(p: string): boolean {
  try {
    fs.accessSync(p, fs.constants.X_OK);
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

function readProcFile(p: string): string {
  try {
    return fs.readFileSync(p, 'latin1');
  } catch {
    return '';
  }
}

/**
 * FW_BACKEND as written; anything else is refused with the variable's place.
 * Without the variable (a psad.conf of psad 2.4.6) it is iptables: blocks
 * stay where psad 2.4.6 puts them (PSAD_BLOCK_* chains) unless asked.
 */
export function fwBackendSetting(cfg: PsadConfig): 'iptables' | 'nftables' | 'auto' {
  const v = cfg.opt('FW_BACKEND', 'iptables').toLowerCase();
  if (v === 'iptables' || v === 'nftables' || v === 'auto') return v;
  throw new PsadError(`invalid FW_BACKEND variable (${cfg.where('FW_BACKEND')}): "${cfg.get('FW_BACKEND')}" (iptables, nftables or auto)`);
}

export function nftPath(cfg: PsadConfig): string {
  return cfg.cmd('nft') ?? '/usr/sbin/nft';
}

export function iptablesPath(cfg: PsadConfig): string {
  return cfg.cmd('iptables') ?? '/sbin/iptables';
}

/** The backend FW_BACKEND asks for, auto resolved as described above. */
export function chooseBackend(cfg: PsadConfig, probe: BackendProbe = {}): BackendChoice {
  const setting = fwBackendSetting(cfg);
  if (setting !== 'auto') return { name: setting, why: `FW_BACKEND ${setting}` };
  const exec = probe.executable ?? isExecutable;
  const run = probe.run ?? nftRunner;
  const proc = probe.readProc ?? readProcFile;
  if (cfg.opt('ENABLE_OVERRIDE_FW_CMD', 'N') === 'Y') return { name: 'iptables', why: 'ENABLE_OVERRIDE_FW_CMD is Y' };
  const nft = nftPath(cfg);
  if (!exec(nft)) return { name: 'iptables', why: `${nft} is not executable` };
  for (const f of ['/proc/net/ip_tables_names', '/proc/net/ip6_tables_names']) {
    const names = proc(f).trim();
    if (names) return { name: 'iptables', why: `legacy iptables tables are in use (${f}: ${names.split(/\s+/).join(', ')})` };
  }
  const ipt = iptablesPath(cfg);
  if (!exec(ipt)) return { name: 'nftables', why: `${ipt} is not executable` };
  const v = run(ipt, ['-V']);
  const text = `${v.stdout} ${v.stderr}`.trim();
  if (v.status === 0 && /nf_tables/.test(text)) return { name: 'nftables', why: `${ipt} is iptables-nft (${text})` };
  return { name: 'iptables', why: `${ipt} is not iptables-nft (${text || `status ${v.status}`})` };
}

/**
 * The firewall backend of a loaded config: NftBackend (nftCmd, `inet psad`)
 * or IptablesBackend (iptablesCmd/ip6tablesCmd), both with the
 * IPT_AUTO_CHAINn tuples. `log` gets the tuple warnings (chooseBackend
 * tells why a backend was taken).
 */
export function createBackend(cfg: PsadConfig, log: (msg: string) => void, run?: Runner): FirewallBackend {
  const choice = chooseBackend(cfg, { run });
  const chains = autoChains(cfg, log);
  if (choice.name === 'nftables') return new NftBackend({ nft: nftPath(cfg), chains, run, log });
  return iptablesBackend(cfg, log, run, chains);
}

/**
 * The iptables backend as psad.conf sets it up: iptablesCmd/ip6tablesCmd,
 * or with ENABLE_OVERRIDE_FW_CMD=Y the FW_CMD binary (an iptables or
 * ip6tables binary when FW_CMD_ARGS is NONE, else firewall-cmd with
 * FW_CMD_ARGS before every command).
 */
export function iptablesBackend(cfg: PsadConfig, log: (m: string) => void, run?: Runner, chains = autoChains(cfg, log)): IptablesBackend {
  let iptables = iptablesPath(cfg);
  let ip6tables = cfg.cmd('ip6tables') ?? '/sbin/ip6tables';
  let prefixArgs: string[] | undefined;
  if (cfg.get('ENABLE_OVERRIDE_FW_CMD') === 'Y') {
    const fw = cfg.get('FW_CMD');
    if (fw === 'NONE') throw new PsadError('ENABLE_OVERRIDE_FW_CMD is Y but FW_CMD is NONE.');
    const args = cfg.get('FW_CMD_ARGS');
    if (args === 'NONE') {
      if (!/^ip6?tables/.test(path.basename(fw))) {
        throw new PsadError(`FW_CMD ${fw} must be an iptables or ip6tables binary when FW_CMD_ARGS is NONE.`);
      }
      if (/^ip6tables/.test(path.basename(fw))) ip6tables = fw;
      else {
        iptables = fw;
        ip6tables = path.join(path.dirname(fw), path.basename(fw).replace(/^iptables/, 'ip6tables'));
      }
    } else {
      iptables = fw;
      ip6tables = fw;
      prefixArgs = args.trim().split(/\s+/);
    }
  }
  return new IptablesBackend({ iptables, ip6tables, chains, run, log, prefixArgs });
}
