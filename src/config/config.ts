import * as fs from 'fs';
import { ConfLine, ParsedConf, readConfFile } from './conf-file';
import { PsadError } from './errors';
import { REQUIRED_VARS, INTEGER_VARS, YN_VARS, NETWORK_VARS, isKnownVar, isKnownCommand, closestName } from './variables';
import { parseUserNet } from '../net/user-addr';

export interface ConfigLoadOptions {
  configFile: string;
  overrideFiles?: string[];
}

/**
 * psad.conf after load order, FW_MSG_SEARCH handling and $VAR expansion.
 * Values are kept as the strings psad keeps; typed accessors read them.
 */
export class PsadConfig {
  readonly vars = new Map<string, string>();
  readonly cmds = new Map<string, string>();
  readonly origin = new Map<string, ConfLine>();
  fwSearch: string[] = [];
  /**
   * What loading found suspicious but not fatal (unknown names, a variable
   * set twice in one file), each naming the file and line; the caller
   * prints them.
   */
  readonly warnings: string[] = [];
  readonly mainFile: string;
  readonly overrideFiles: string[];

  constructor(mainFile: string, overrideFiles: string[]) {
    this.mainFile = mainFile;
    this.overrideFiles = overrideFiles;
  }

  has(name: string): boolean {
    return this.vars.has(name);
  }

  get(name: string): string {
    const v = this.vars.get(name);
    if (v === undefined) throw new PsadError(`The config file "${this.mainFile}" does not contain the\nvariable: "${name}". Exiting!`);
    return v;
  }

  /** The value, or a default when the variable is absent (non-required variables). */
  opt(name: string, dflt: string): string {
    const v = this.vars.get(name);
    return v === undefined ? dflt : v;
  }

  set(name: string, value: string): void {
    this.vars.set(name, value);
  }

  /** psad tests ENABLE_* and similar switches with `eq 'Y'`. */
  yes(name: string, dflt = 'N'): boolean {
    return this.opt(name, dflt) === 'Y';
  }

  /** Numeric value as Perl would use it (leading number, else 0). */
  num(name: string, dflt = '0'): number {
    return perlNum(this.opt(name, dflt));
  }

  where(name: string): string {
    const o = this.origin.get(name);
    return o ? `${o.file} line ${o.line}` : this.mainFile;
  }

  cmd(name: string): string | undefined {
    return this.cmds.get(name);
  }
}

/** Perl's string-to-number conversion for config values. */
export function perlNum(s: string): number {
  const m = /^\s*([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)/.exec(s);
  return m ? Number(m[1]) : 0;
}

function addAssignments(cfg: PsadConfig, parsed: ParsedConf): void {
  for (const u of parsed.unterminated) {
    // psad would silently ignore the line; a setting that does not apply is worse than a clear stop
    if (/^(?:[A-Z][A-Z0-9_]*|\w+Cmd)$/.test(u.name)) {
      throw new PsadError(`${u.file} line ${u.line}: the value of ${u.name} has no closing ';'`);
    }
  }
  const seen = new Map<string, ConfLine>();
  for (const a of parsed.assignments) {
    const cm = /^\s*(\S+)Cmd$/.exec(a.name);
    const isCmd = !!cm && /\/./.test(a.value);
    checkName(cfg, a, isCmd ? cm![1] : undefined, seen);
    if (isCmd) {
      if (!cfg.cmds.has(cm![1])) {
        cfg.cmds.set(cm![1], a.value);
        cfg.origin.set(a.name, a);
      }
    } else if (!cfg.vars.has(a.name)) {
      cfg.vars.set(a.name, a.value);
      cfg.origin.set(a.name, a);
    }
  }
}

/** Warnings for a name no psad knows (with the closest known one) and for a second definition in the same file. */
function checkName(cfg: PsadConfig, a: ConfLine, cmd: string | undefined, seen: Map<string, ConfLine>): void {
  const known = cmd !== undefined ? isKnownCommand(cmd) : isKnownVar(a.name);
  const bare = cmd === undefined ? /^(\S+)Cmd$/.exec(a.name) : null;
  if (bare && isKnownCommand(bare[1])) {
    // psad takes `xCmd value` for a command only when the value has a '/'
    cfg.warnings.push(`config warning: ${a.file} line ${a.line}: ${a.name} is ignored: a command needs its path (e.g. /usr/bin/${bare[1]})`);
    return;
  }
  if (!known) {
    const near = closestName(a.name, cmd !== undefined);
    const what = cmd !== undefined ? 'command' : 'variable';
    cfg.warnings.push(`config warning: ${a.file} line ${a.line}: unknown ${what} ${a.name} is ignored${near ? `; did you mean ${near}?` : ''}`);
    return;
  }
  // FW_MSG_SEARCH lines add up; of several FW_SEARCH_ALL lines the main file's last one counts (psad 2.4.6)
  if (a.name === 'FW_MSG_SEARCH' || a.name === 'FW_SEARCH_ALL') return;
  const first = seen.get(a.name);
  if (first) {
    cfg.warnings.push(`config warning: ${a.file} line ${a.line}: ${a.name} is already set at line ${first.line}; the first value ("${first.value}") is used`);
    return;
  }
  seen.set(a.name, a);
}

/**
 * psad 2.1.7's --fw-search FILE: FW_SEARCH_ALL and FW_MSG_SEARCH from a
 * fw_search.conf (the same `NAME value;` lines) replace the config's.
 */
export function applyFwSearchFile(cfg: PsadConfig, file: string): void {
  const parsed = readConfFile(file);
  const has = parsed.lines.some((l) => /^\s*(FW_MSG_SEARCH|FW_SEARCH_ALL)\s/.test(l));
  if (!has) throw new PsadError(`${file} does not define FW_SEARCH_ALL or FW_MSG_SEARCH.`);
  importFwSearch(cfg, parsed, file);
}

/** FW_MSG_SEARCH / FW_SEARCH_ALL as psad re-reads them from the main file only. */
function importFwSearch(cfg: PsadConfig, main: ParsedConf, file = cfg.mainFile): void {
  cfg.fwSearch = [];
  let found = false;
  for (let i = 0; i < main.lines.length; i++) {
    const line = main.lines[i];
    if (!/\S/.test(line) || /^\s*#/.test(line)) continue;
    let m = /^\s*FW_MSG_SEARCH\s+(.*?);/.exec(line);
    if (m) {
      cfg.fwSearch.push(m[1]);
      found = true;
      continue;
    }
    m = /^\s*FW_SEARCH_ALL\s+(.*?);/.exec(line);
    if (m) {
      const v = m[1].trim().toUpperCase();
      if (v !== 'Y' && v !== 'N') throw new PsadError(`FW_SEARCH_ALL variable must be 'Y' or 'N' (${file} line ${i + 1}: "${m[1]}")`);
      cfg.vars.set('FW_SEARCH_ALL', v);
      cfg.origin.set('FW_SEARCH_ALL', { name: 'FW_SEARCH_ALL', value: m[1], file, line: i + 1 });
    }
  }
  // absent: Y; a bad value from an -O file is reported by validateConfig
  const all = cfg.vars.get('FW_SEARCH_ALL')?.trim().toUpperCase() ?? 'Y';
  cfg.vars.set('FW_SEARCH_ALL', all);
  if (all === 'N' && !found) cfg.fwSearch.push('DROP');
}

/**
 * psad 2.4.6 reads FW_MSG_SEARCH from the main file only, and the main
 * file's FW_SEARCH_ALL replaces an override's: say so where an -O file
 * sets them, instead of ignoring them silently.
 */
function fwSearchOverrides(cfg: PsadConfig, overrides: ParsedConf[], main: ParsedConf): void {
  const mainAll = main.assignments.filter((a) => a.name === 'FW_SEARCH_ALL').pop();
  for (const p of overrides) {
    for (const a of p.assignments) {
      if (a.name === 'FW_MSG_SEARCH') {
        cfg.warnings.push(`config warning: ${a.file} line ${a.line}: FW_MSG_SEARCH is ignored in an -O file; psad reads it from the main config file (${cfg.mainFile}) only`);
      } else if (a.name === 'FW_SEARCH_ALL' && mainAll) {
        cfg.warnings.push(`config warning: ${a.file} line ${a.line}: FW_SEARCH_ALL is ignored in an -O file; the main config file's (${mainAll.file} line ${mainAll.line}) is used`);
      }
    }
  }
}

/** $VAR expansion, one occurrence per variable per pass, as psad does it. */
export function expandVars(cfg: PsadConfig): void {
  let pass = 0;
  let again = true;
  while (again) {
    pass++;
    again = false;
    if (pass >= 20) throw new PsadError('Exceeded maximum variable resolution counter.');
    for (const map of [cfg.vars, cfg.cmds]) {
      for (const [name, val] of map) {
        const m = /\$(\w+)/.exec(val);
        if (!m) continue;
        const sub = m[1];
        const key = map === cfg.cmds ? `${name}Cmd` : name;
        if (sub === name) throw new PsadError(`sub-ver ${sub} not allowed within same variable ${name} (${cfg.where(key)})`);
        const subVal = cfg.vars.get(sub);
        if (subVal === undefined) {
          throw new PsadError(`sub-var "${sub}" not defined in config for var: ${name}. (${cfg.where(key)})`);
        }
        const repl = sub === 'INSTALL_ROOT' && subVal === '/' ? '' : subVal;
        map.set(name, val.slice(0, m.index) + repl + val.slice(m.index + m[0].length));
        again = true;
      }
    }
  }
}

function checkRequired(cfg: PsadConfig): void {
  for (const name of REQUIRED_VARS) {
    if (cfg.vars.has(name)) continue;
    throw new PsadError(`The config file "${cfg.mainFile}" does not contain the\nvariable: "${name}". Exiting!`);
  }
}

function digitRange(cfg: PsadConfig, name: string, min: number, max: number): void {
  const v = cfg.get(name);
  if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max) {
    throw new PsadError(`${name} must be an integer >= ${min} and <= ${max} (${cfg.where(name)}: "${v}")`);
  }
}

const YN = new Set(YN_VARS);

/** Y/N switches (and every ENABLE_* name): Y or N in any case, stored upper-case. */
function checkSwitches(cfg: PsadConfig): void {
  for (const [name, val] of cfg.vars) {
    if (!name.startsWith('ENABLE_') && !YN.has(name)) continue;
    const up = val.trim().toUpperCase();
    if (up !== 'Y' && up !== 'N') throw new PsadError(`${name} variable must be 'Y' or 'N' (${cfg.where(name)}: "${val}")`);
    cfg.vars.set(name, up);
  }
}

/**
 * The network variables signatures use as sources and destinations: "any"
 * (or psad's NOT_USED), or a comma-separated list of addresses and networks
 * (IPv4 with /bits or /netmask, IPv6 with /bits), optionally in [ ] and
 * with a leading ! each. HOME_NET may still hold the stock _CHANGEME_.
 * The first bad one is the error (HTTP_SERVERS $HOME_NET is not reported
 * again when HOME_NET is bad).
 */
function checkNetworks(cfg: PsadConfig): void {
  for (const name of NETWORK_VARS) {
    const val = cfg.vars.get(name);
    if (val === undefined) continue;
    const bad = badNetwork(val);
    if (bad !== null) throw new PsadError(`Invalid ${name} value: "${val}" (${cfg.where(name)}): ${bad}`);
  }
}

/** Why a network variable's value is not one, or null when it is. */
export function badNetwork(value: string): string | null {
  const v = value.trim();
  if (v === '') return 'the value is empty (use "any" for every address)';
  if (/^any$/i.test(v) || /^NOT_?USED$/i.test(v) || /CHANGEME/.test(v)) return null;
  const list = /^\[(.*)\]$/.exec(v)?.[1] ?? v;
  for (const raw of list.split(',')) {
    const item = raw.trim().replace(/^!/, '');
    if (item === '') continue;
    if (/\s/.test(item)) return `"${raw.trim()}" is not one address or network (separate them with commas)`;
    if (!parseUserNet(item)) return `"${raw.trim()}" is not an IP address or network`;
  }
  return null;
}

/** The checks of the reference's validate_config that depend on the file only. */
export function validateConfig(cfg: PsadConfig): void {
  checkSwitches(cfg);
  checkNetworks(cfg);
  digitRange(cfg, 'PORT_RANGE_SCAN_THRESHOLD', 0, 65535);
  digitRange(cfg, 'TOP_SCANS_CTR_THRESHOLD', 0, 500);
  digitRange(cfg, 'DSHIELD_ALERT_INTERVAL', 1, 24);
  digitRange(cfg, 'TOP_PORTS_LOG_THRESHOLD', 0, 65535);
  digitRange(cfg, 'STATUS_PORTS_THRESHOLD', 0, 65535);
  digitRange(cfg, 'TOP_IP_LOG_THRESHOLD', 0, 10000);
  digitRange(cfg, 'STATUS_IP_THRESHOLD', 0, 10000);
  digitRange(cfg, 'TOP_SIGS_LOG_THRESHOLD', 0, 100000);
  digitRange(cfg, 'STATUS_SIGS_THRESHOLD', 0, 10000);
  // integers the reference reads as numbers without checking them: a value
  // that is not one would silently become 0 there; refuse it with its place.
  for (const name of INTEGER_VARS) {
    const v = cfg.vars.get(name);
    if (v === undefined) continue;
    if (!/^\s*-?\d+\s*$/.test(v)) {
      throw new PsadError(`${name} must be an integer (${cfg.where(name)}: "${v}")`);
    }
  }
  const email = cfg.get('EMAIL_ADDRESSES');
  if (!/\S+@\S+/.test(email)) throw new PsadError(`Invalid EMAIL_ADDRESSES value: "${email}" (${cfg.where('EMAIL_ADDRESSES')})`);
  cfg.vars.set('EMAIL_ADDRESSES', email.replace(/\s*,\s/g, ' '));
  if (cfg.has('FW_BACKEND') && !/^(?:iptables|nftables|auto)$/i.test(cfg.get('FW_BACKEND'))) {
    throw new PsadError(`FW_BACKEND variable must be iptables, nftables or auto (${cfg.where('FW_BACKEND')}: "${cfg.get('FW_BACKEND')}")`);
  }
  if (cfg.get('ENABLE_AUTO_IDS') === 'Y' && cfg.get('IPTABLES_BLOCK_METHOD') === 'N' && cfg.get('TCPWRAPPERS_BLOCK_METHOD') === 'N') {
    throw new PsadError('config warning, ENABLE_AUTO_IDS=Y, but both IPTABLES_BLOCK_METHOD and TCPWRAPPERS_BLOCK_METHOD are set to N.');
  }
  if (cfg.get('ENABLE_SYSLOG_FILE') === 'Y' && cfg.get('IPT_SYSLOG_FILE') === cfg.get('FW_DATA_FILE')) {
    throw new PsadError('Cannot set IPT_SYSLOG_FILE and FW_DATA_FILE to point at the same file.');
  }
  if (!/LOG_LOCAL[0-7]/i.test(cfg.get('SYSLOG_FACILITY'))) {
    throw new PsadError(`Unrecognized SYSLOG_FACILITY, see psad.conf (${cfg.where('SYSLOG_FACILITY')})`);
  }
  if (!/LOG_(?:INFO|DEBUG|NOTICE|WARNING|ERR|CRIT|ALERT|EMERG)/i.test(cfg.get('SYSLOG_PRIORITY'))) {
    throw new PsadError(`Unrecognized SYSLOG_PRIORITY, see psad.conf (${cfg.where('SYSLOG_PRIORITY')})`);
  }
  if (cfg.get('ENABLE_CUSTOM_SYSLOG_TS_RE') === 'Y') {
    try {
      new RegExp(cfg.get('CUSTOM_SYSLOG_TS_RE'));
    } catch (e) {
      throw new PsadError(`CUSTOM_SYSLOG_TS_RE is not a valid regular expression (${cfg.where('CUSTOM_SYSLOG_TS_RE')}): ${(e as Error).message}`);
    }
  }
  for (const name of ['IGNORE_LOG_PREFIXES', 'AUTO_BLOCK_REGEX', 'SNORT_SID_STR']) {
    const v = cfg.vars.get(name);
    if (v === undefined) continue;
    try {
      new RegExp(v);
    } catch (e) {
      throw new PsadError(`${name} is not a valid regular expression (${cfg.where(name)}): ${(e as Error).message}`);
    }
  }
  if (cfg.get('ENABLE_OVERRIDE_FW_CMD') === 'Y') {
    if (cfg.get('FW_CMD') === 'NONE') throw new PsadError('Must set a path to a firewall binary with FW_CMD');
    cfg.cmds.set('iptables', cfg.get('FW_CMD'));
  }
}

/** Loads -O files, then the main file, re-reads the search strings, expands and checks. */
export function loadConfig(opts: ConfigLoadOptions): PsadConfig {
  const overrides = opts.overrideFiles ?? [];
  const cfg = new PsadConfig(opts.configFile, overrides);
  const parsed: ParsedConf[] = [];
  for (const f of overrides) {
    if (!fs.existsSync(f)) throw new PsadError(`Override config file ${f} does not exist`);
    parsed.push(readConfFile(f));
    addAssignments(cfg, parsed[parsed.length - 1]);
  }
  const main = readConfFile(opts.configFile);
  addAssignments(cfg, main);
  importFwSearch(cfg, main);
  fwSearchOverrides(cfg, parsed, main);
  expandVars(cfg);
  checkRequired(cfg);
  validateConfig(cfg);
  return cfg;
}
