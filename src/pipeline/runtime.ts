import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { PsadConfig, perlNum } from '../config/config';
import { PsadError } from '../config/errors';
import { readDataFile, Warn } from '../data/diagnostics';
import { parseProtocols, ProtocolString } from '../data/protocols';
import { parseIcmpTypes, IcmpType } from '../data/icmp-types';
import { parseIpOptions, IpOption } from '../data/ip-options';
import { parseSnortRuleDl } from '../data/snort-rule-dl';
import { parseSignatures, SignatureSet } from '../data/signatures';
import { parseAutoDl, AutoDlEntry } from '../data/auto-dl';
import { parsePfOs, P0fSig } from '../data/pf-os';
import { parsePosf, PosfSig } from '../data/posf';
import { parseSnortRules, parseClassification, parseReferenceConfig, FwsnortSig } from '../data/snort-rules';
import { PortSets, parsePortRange } from '../data/port-list';
import { SignatureIndex } from '../engine/sig-match';
import { EngineOptions, EngineData } from '../engine/engine';
import { ParserOptions } from '../ingest/parse';
import { Net, parseNet, makeNet, parseAddr, netText } from '../net/addr';
import { parseUserNet } from '../net/user-addr';
import { ctime } from '../text/ctime';

/** Command-line switches that change what is loaded or how packets are read. */
export interface RuntimeFlags {
  analysisMode: boolean;
  noSignatures: boolean;
  noSnortSids: boolean;
  noIcmpTypes: boolean;
  noIcmp6Types: boolean;
  noAutoDl: boolean;
  noPassiveOs: boolean;
  snortType: string;
  interfaceOnly: string;
  restrictIp: string;
  dshield: boolean;
}

/** Every data table psad imports. */
export interface DataTables {
  protocols: Map<string, ProtocolString>;
  icmpTypes: Map<string, IcmpType>;
  icmp6Types: Map<string, IcmpType>;
  ipOptions: IpOption[];
  snortRuleDl: Map<number, number>;
  classDl: Map<string, number>;
  refBaseUrl: Map<string, string>;
  fwsnort: Map<number, FwsnortSig>;
  signatures: SignatureSet | null;
  autoDl: AutoDlEntry[];
  p0f: P0fSig[];
  posf: PosfSig[];
}

function readOrDie(file: string, what: string): string[] {
  try {
    return readDataFile(file);
  } catch (e) {
    throw new PsadError(`Could not open ${what} ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'No such file or directory' : (e as Error).message}`, 2);
  }
}

function resolveHost(name: string): string | null {
  const r = spawnSync('getent', ['ahostsv4', name], { encoding: 'utf8', timeout: 5000 });
  if (r.status !== 0 || !r.stdout) return null;
  const m = /^(\d+\.\d+\.\d+\.\d+)/.exec(r.stdout);
  return m ? m[1] : null;
}

/** Imports the data files the way psad_init does, honouring the --no-* switches. */
/** Only the auto_dl file (for the --fw-block-ip checks). */
export function loadAutoDl(cfg: PsadConfig, warn: Warn): AutoDlEntry[] {
  const f = cfg.get('AUTO_DL_FILE');
  return parseAutoDl(readOrDie(f, 'auto_dl file'), f, warn, resolveHost);
}

export function loadDataTables(cfg: PsadConfig, flags: RuntimeFlags, warn: Warn): DataTables {
  const t: DataTables = {
    protocols: parseProtocols(readOrDie(cfg.get('PROTOCOLS_FILE'), 'protocols file')),
    icmpTypes: new Map(),
    icmp6Types: new Map(),
    ipOptions: [],
    snortRuleDl: new Map(),
    classDl: new Map(),
    refBaseUrl: new Map(),
    fwsnort: new Map(),
    signatures: null,
    autoDl: [],
    p0f: [],
    posf: [],
  };
  if (!flags.noPassiveOs) {
    t.p0f = parsePfOs(readOrDie(cfg.get('P0F_FILE'), 'p0f signatures file'));
    t.posf = parsePosf(readOrDie(cfg.opt('POSF_FILE', `${cfg.get('PSAD_CONF_DIR')}/posf`), 'posf signatures file'),
      cfg.opt('POSF_FILE', 'posf'), warn);
  }
  if (!flags.noAutoDl) {
    const f = cfg.get('AUTO_DL_FILE');
    t.autoDl = parseAutoDl(readOrDie(f, 'auto_dl file'), f, warn, resolveHost);
  }
  if (!flags.noSnortSids) {
    for (const dir of [cfg.get('SNORT_RULES_DIR'), cfg.opt('FWSNORT_RULES_DIR', '')]) {
      if (!dir || !isDir(dir)) continue;
      for (const name of fs.readdirSync(dir).sort()) {
        if (!/\.rules$/.test(name)) continue;
        if (flags.snortType && name !== `${flags.snortType}.rules`) continue;
        parseSnortRules(readOrDie(path.join(dir, name), 'snort rules file'), t.fwsnort);
      }
    }
    const rulesDir = cfg.get('SNORT_RULES_DIR');
    const cls = path.join(rulesDir, 'classification.config');
    if (fs.existsSync(cls)) t.classDl = parseClassification(readOrDie(cls, 'classification file'));
    const ref = path.join(rulesDir, 'reference.config');
    if (fs.existsSync(ref)) t.refBaseUrl = parseReferenceConfig(readOrDie(ref, 'reference file'));
    const dlFile = cfg.get('SNORT_RULE_DL_FILE');
    if (fs.existsSync(dlFile)) t.snortRuleDl = parseSnortRuleDl(readOrDie(dlFile, 'snort_rule_dl file'));
  }
  if (!flags.noSignatures) {
    t.ipOptions = parseIpOptions(readOrDie(cfg.get('IP_OPTS_FILE'), 'IP options file'));
    const f = cfg.get('SIGS_FILE');
    t.signatures = parseSignatures(readOrDie(f, 'signatures file'), f, {
      vars: cfg.vars, classDl: t.classDl, ipOptions: t.ipOptions, strict: cfg.get('ENABLE_SNORT_SIG_STRICT') === 'Y',
    }, warn);
  }
  if (!flags.noIcmpTypes) t.icmpTypes = parseIcmpTypes(readOrDie(cfg.get('ICMP_TYPES_FILE'), 'icmp types file'));
  if (!flags.noIcmp6Types) t.icmp6Types = parseIcmpTypes(readOrDie(cfg.get('ICMP6_TYPES_FILE'), 'icmp6 types file'));
  return t;
}

function isDir(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Directly connected subnets of this host (not lo, not dummy*), as
 * get_connected_subnets finds them: with IFCFGTYPE iproute2 from the
 * interface table (what `ip addr` lists); with ifconfig by reading
 * `ifconfig -a` with the reference's patterns, which only understand the old
 * net-tools format (so current systems report none, as psad 2.4.6 does).
 */
export function connectedSubnets(cfg: PsadConfig): Net[] {
  const out: Net[] = [];
  if (/iproute2/i.test(cfg.get('IFCFGTYPE'))) {
    const ifs = os.networkInterfaces();
    for (const name of Object.keys(ifs)) {
      if (name === 'lo' || /dummy/i.test(name)) continue;
      for (const a of ifs[name] ?? []) {
        const addr = parseAddr(a.address.replace(/%.*$/, ''));
        if (!addr) continue;
        const bits = a.cidr ? Number(a.cidr.split('/')[1]) : (addr.v6 ? 128 : 32);
        out.push(makeNet(addr, addr.v6 ? bits : 96 + bits));
      }
    }
    return out;
  }
  const cmd = cfg.cmd('ifconfig') ?? '/sbin/ifconfig';
  const r = spawnSync(cmd, ['-a'], { encoding: 'latin1', timeout: 10000 });
  if (r.error || typeof r.stdout !== 'string') return out;
  let intf = '';
  const v4 = '((?:[0-2]?\\d{1,2}\\.){3}[0-2]?\\d{1,2})';
  const inetRe = new RegExp(`^\\s+inet.*?:${v4}.*:${v4}`, 'i');
  for (const line of r.stdout.split('\n')) {
    const m = /^(\S+)\s+Link/.exec(line);
    if (m) { intf = m[1]; continue; }
    if (intf === 'lo' || /dummy/i.test(intf)) continue;
    const a = inetRe.exec(line);
    if (a) {
      const n = parseNet(`${a[1]}/${a[2]}`);
      if (n) out.push(n);
      continue;
    }
    const b = /^\s+inet6\saddr:\s+(\S+)/.exec(line);
    if (b) {
      const n = parseNet(b[1]);
      if (n) out.push(n);
    }
  }
  return out;
}

/** IGNORE_PROTOCOLS as names and numbers. */
export function ignoreProtocols(cfg: PsadConfig, protocols: Map<string, ProtocolString>, warn: Warn): Set<string> {
  const out = new Set<string>();
  const v = cfg.get('IGNORE_PROTOCOLS');
  if (v === 'NONE') return out;
  for (const p of v.split(/\s*,\s*/)) {
    if (/\W/.test(p)) {
      warn(`invalid protocol "${p}" in IGNORE_PROTOCOLS (${cfg.where('IGNORE_PROTOCOLS')})`);
      continue;
    }
    if (/^\d+$/.test(p)) {
      out.add(p);
      const ps = protocols.get(p);
      if (ps) out.add(ps.name.toLowerCase());
    } else {
      out.add(p.toLowerCase());
      for (const [num, ps] of protocols) {
        if (p === ps.name.toLowerCase()) { out.add(num); break; }
      }
    }
  }
  return out;
}

export function ignoreInterfaces(cfg: PsadConfig, warn: Warn): Set<string> {
  const out = new Set<string>();
  const v = cfg.get('IGNORE_INTERFACES');
  if (v === 'NONE') return out;
  for (const i of v.split(/\s*,\s*/)) {
    if (!/^[\w.:]+$/.test(i)) warn(`invalid interface "${i}" in IGNORE_INTERFACES (${cfg.where('IGNORE_INTERFACES')})`);
    else out.add(i);
  }
  return out;
}

function userRegex(cfg: PsadConfig, name: string, text: string): RegExp {
  try {
    return new RegExp(text);
  } catch (e) {
    throw new PsadError(`${name} "${text}" is not a valid regular expression (${cfg.where(name)}): ${(e as Error).message}`);
  }
}

export function parserOptions(cfg: PsadConfig, flags: RuntimeFlags, tables: DataTables, warn: Warn): ParserOptions {
  const ignorePorts: PortSets = new Map();
  if (cfg.get('IGNORE_PORTS') !== 'NONE') parsePortRange(ignorePorts, cfg.get('IGNORE_PORTS'));
  let restrictNet: Net | null = null;
  if (flags.restrictIp) {
    restrictNet = parseUserNet(flags.restrictIp);
    if (!restrictNet) throw new PsadError(`The --restrict-ip argument "${flags.restrictIp}" is not an IP address or network.`);
  }
  const ilp = cfg.opt('IGNORE_LOG_PREFIXES', 'NONE');
  return {
    requireInOut: cfg.get('ENABLE_SYSLOG_FILE') === 'Y',
    ignoreKernelTimestamp: cfg.get('IGNORE_KERNEL_TIMESTAMP') === 'Y',
    ignoreLogPrefixes: ilp !== 'NONE' ? userRegex(cfg, 'IGNORE_LOG_PREFIXES', ilp) : null,
    interfaceOnly: flags.interfaceOnly,
    ignoreInterfaces: ignoreInterfaces(cfg, warn),
    customTsRe: cfg.get('ENABLE_CUSTOM_SYSLOG_TS_RE') === 'Y' ? userRegex(cfg, 'CUSTOM_SYSLOG_TS_RE', cfg.get('CUSTOM_SYSLOG_TS_RE')) : null,
    noSnortSids: flags.noSnortSids,
    snortSidRe: userRegex(cfg, 'SNORT_SID_STR', `${cfg.get('SNORT_SID_STR')}(\\d+)`),
    fwSearchAll: cfg.get('FW_SEARCH_ALL') === 'Y',
    fwSearch: cfg.fwSearch.map((x) => userRegex(cfg, 'FW_MSG_SEARCH', x)),
    ipv6Detection: cfg.get('ENABLE_IPV6_DETECTION') === 'Y',
    ignoreProtocols: ignoreProtocols(cfg, tables.protocols, warn),
    ignoreConntrackBugPkts: cfg.get('IGNORE_CONNTRACK_BUG_PKTS') === 'Y',
    expectTcpOptions: cfg.get('EXPECT_TCP_OPTIONS') === 'Y',
    ignorePorts,
    dshield: flags.dshield,
    restrictNet,
    nowText: () => ctime(new Date()),
  };
}

export function engineOptions(cfg: PsadConfig, flags: RuntimeFlags, localNets: Net[]): EngineOptions {
  const n = (k: string) => perlNum(cfg.get(k));
  const autoIds = cfg.get('ENABLE_AUTO_IDS') === 'Y' && cfg.get('ENABLE_AUTO_IDS_REGEX') === 'Y' && cfg.get('AUTO_BLOCK_REGEX') !== 'NONE';
  return {
    analysisMode: flags.analysisMode,
    dangerLevel: [n('DANGER_LEVEL1'), n('DANGER_LEVEL2'), n('DANGER_LEVEL3'), n('DANGER_LEVEL4'), n('DANGER_LEVEL5')],
    uniqueHosts: [n('DL1_UNIQUE_HOSTS'), n('DL2_UNIQUE_HOSTS'), n('DL3_UNIQUE_HOSTS'), n('DL4_UNIQUE_HOSTS'), n('DL5_UNIQUE_HOSTS')],
    portRangeScanThreshold: n('PORT_RANGE_SCAN_THRESHOLD'),
    portRangeSweepThreshold: n('PORT_RANGE_SWEEP_THRESHOLD'),
    protocolScanThreshold: n('PROTOCOL_SCAN_THRESHOLD'),
    maxScanIpPairs: n('MAX_SCAN_IP_PAIRS'),
    alertAll: cfg.get('ALERT_ALL') !== 'N',
    trackLocal: cfg.get('HOME_NET') !== 'any',
    localNets,
    noAutoDl: flags.noAutoDl,
    noSnortSids: flags.noSnortSids,
    noSignatures: flags.noSignatures,
    noPassiveOs: flags.noPassiveOs,
    autoBlockRegex: autoIds ? new RegExp(cfg.get('AUTO_BLOCK_REGEX')) : null,
    maxHops: perlNum(cfg.opt('MAX_HOPS', '0')),
  };
}

export function engineData(tables: DataTables): EngineData {
  return {
    signatures: tables.signatures ? new SignatureIndex(tables.signatures, tables.ipOptions, tables.snortRuleDl) : null,
    autoDl: tables.autoDl,
    icmpTypes: tables.icmpTypes,
    icmp6Types: tables.icmp6Types,
    p0f: tables.p0f,
    posf: tables.posf,
    fwsnort: tables.fwsnort,
    snortRuleDl: tables.snortRuleDl,
  };
}

/**
 * HOME_NET validation: the local networks psad labels as "Local IP". In -A
 * mode the connected subnets are added.
 */
export function localNetworks(cfg: PsadConfig, analysisMode: boolean, warn: (msg: string) => void): Net[] {
  const nets: Net[] = [];
  const home = cfg.get('HOME_NET');
  const intfLocal = cfg.get('ENABLE_INTF_LOCAL_NETS') === 'Y';
  if (!(home === 'any' && !intfLocal)) {
    const connected = connectedSubnets(cfg);
    if (intfLocal && !analysisMode) {
      nets.push(...connected);
      cfg.set('HOME_NET', connected.length ? connected.map((c) => netText(c)).join(', ') : 'any');
    } else if (/CHANGEME/.test(home)) {
      warn('config warning: the HOME_NET variable has not been set, defaulting to "any"');
      cfg.set('HOME_NET', 'any');
    } else {
      let foundOne = false;
      for (const item of home.split(/\s*,\s*/)) {
        const m = /((?:[0-2]?\d{1,2}\.){3}[0-2]?\d{1,2}(?:\/(?:(?:[0-2]?\d{1,2}\.){3}[0-2]?\d{1,2}|\d+))?)/.exec(item);
        if (!m) continue;
        const n = parseUserNet(item) ?? parseUserNet(m[1]);
        if (!n) continue;
        nets.push(n);
        // the dotted quad psad's pattern picked out, or the whole entry when that is no network (::ffff:a.b.c.d/120)
        const homeNet = parseUserNet(m[1]) ?? n;
        const found = connected.some((c) => c.prefix <= homeNet.prefix && netContainsNet(c, homeNet));
        if (found) foundOne = true;
        else warn(`config warning: HOME_NET definition in psad.conf contains "${m[1]}" which does not appear to be directly connected to the local system.`);
      }
      if (!foundOne) cfg.set('HOME_NET', 'any');
    }
  }
  if (analysisMode) nets.push(...connectedSubnets(cfg));
  return nets;
}

function netContainsNet(outer: Net, inner: Net): boolean {
  const a = inner.addr;
  const o = outer.addr;
  const words = [a.w0, a.w1, a.w2, a.w3];
  const ow = [o.w0, o.w1, o.w2, o.w3];
  let p = outer.prefix;
  for (let k = 0; k < 4 && p > 0; k++, p -= 32) {
    const bits = Math.min(32, p);
    const mask = bits >= 32 ? 0xffffffff : (0xffffffff << (32 - bits)) >>> 0;
    if (((words[k] & mask) >>> 0) !== ((ow[k] & mask) >>> 0)) return false;
  }
  return true;
}
