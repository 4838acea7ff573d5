/**
 * What the iptables and the nftables checks share: options, results, the
 * command runner, prefix matching and the report texts. Kept apart so the
 * two checks do not import each other.
 */
import { spawnSync } from 'child_process';

export interface RunResult {
  status: number;
  stdout: string;
  stderr: string;
}

export type RunFn = (cmd: string, args: string[]) => RunResult;

export interface FwCheckOptions {
  fwFile?: string;
  /** FW_SEARCH_ALL */
  searchAll: boolean;
  fwSearch: string[];
  hostname: string;
  /** ENABLE_IPV6_DETECTION */
  ipv6: boolean;
  iptables: string;
  ip6tables: string;
  procForwardFile: string;
  ifcfgtype: string;
  configFile: string;
  /** runs iptables, ip6tables, ip, ifconfig; default spawnSync with an argument list (the -w is in the arguments) */
  run?: RunFn;
  /** ipCmd / ifconfigCmd, for the FORWARD decision (default: found in PATH) */
  ipCmd?: string;
  ifconfigCmd?: string;
  /** arguments before the iptables arguments (firewall-cmd --direct --passthrough ipv4) */
  iptablesArgs?: string[];
  ip6tablesArgs?: string[];
  /**
   * FW_BACKEND: the ruleset checked (default iptables). nftables: `nft -j
   * list ruleset` with nftCheck. auto: nftCheck when that ruleset has input
   * or forward base chains of its own (not only iptables-nft's tables) or
   * iptables is not executable, else the iptables check. A --fw-file with
   * nft's JSON is checked with nftCheck whatever the setting.
   */
  backend?: 'iptables' | 'nftables' | 'auto';
  /** nftCmd */
  nft?: string;
  /** SYSLOG_DAEMON (log group statements need ulogd) */
  syslogDaemon?: string;
}

export interface FwCheckResult {
  ok: boolean;
  /** the FW_CHECK_FILE content */
  report: string;
  /** what --fw-analyze prints before the mail line and "[+] Results in …" */
  console: string[];
}

/** spawnSync with an argument list (no shell), 30 s like IPTables::Parse's alarm. */
export function defaultRun(cmd: string, args: string[]): RunResult {
  const r = spawnSync(cmd, args, { encoding: 'latin1', timeout: 30000, maxBuffer: 256 << 20 });
  if (r.error) return { status: 127, stdout: r.stdout ?? '', stderr: `${r.error.message}\n` };
  return { status: r.status ?? 1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

/** Does a LOG prefix match one of the FW_MSG_SEARCH strings (as regular expressions, else as text)? */
export function prefixMatches(prefix: string, fwSearch: string[]): boolean {
  for (const s of fwSearch) {
    try {
      if (new RegExp(s).test(prefix)) return true;
    } catch {
      if (prefix.includes(s)) return true;
    }
  }
  return false;
}

/** What opens a check's report when FW_SEARCH_ALL is N: the FW_MSG_SEARCH strings looked for. */
export function searchStringsText(o: FwCheckOptions): string {
  if (o.searchAll) return '';
  let t = `[+] Available search strings in ${o.configFile}:\n\n`;
  for (const s of o.fwSearch) t += `        ${s}\n`;
  return t + '\n[+] Additional search strings can be added be specifying more\n' + `    FW_MSG_SEARCH lines in ${o.configFile}\n\n`;
}

/** Ends a check (iptables or nftables): its console lines, and `success` added to the report when the ruleset passed. */
export function checkResult(ok: boolean, report: string, out: string[], success: string): FwCheckResult {
  if (ok) out.push('[+] Firewall config looks good.\n', '[+] Completed check of firewall ruleset.\n');
  else out.push('[-] Errors found in firewall config.\n');
  return { ok, report: ok ? report + success : report, console: out };
}
