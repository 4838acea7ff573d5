/**
 * The firewall ruleset check of psad (fwcheck_psad): does the iptables (and
 * ip6tables) ruleset log the packets psad has to see? Also `psad --fw-dump`.
 *
 * Same checks and texts as fwcheck_psad 2.4.6 with IPTables::Parse 1.6, with
 * these fixes:
 *  - R13: listings of iptables >= 1.8 are understood: the `--` opt column of
 *    ip6tables, `prefix "DROP "` quoting, protocol `0` (and numbers for
 *    tcp/udp/icmp/icmpv6), `-v` listings (counters, interfaces, headers with
 *    packet counts) in --fw-file, also for the prefix mode and for jumps to
 *    user chains; a chain with 10, 20, … references is not taken for an
 *    unreferenced one.
 *  - a DROP or REJECT rule that takes every packet before the LOG rule is
 *    reached is reported (the reference passes such a ruleset).
 *  - the IPv6 check names ICMPv6 `icmpv6` in its per-protocol message.
 * The exit status is fixed by the callers (Q8): ok = true means the firewall
 * logs what psad needs.
 */
import * as fs from 'fs';
import { PsadError } from '../config/errors';
import { perlNum } from '../config/config';
import { Listing, Rule, RulesetFormat, isAnyAddr, isDefaultLog, isUnconditionalBlock, parseListing, parseSaveListing, rulesetFormat, subChains } from './listing';
import { hasNativeBaseChains, nativeBaseChains, nftCheck } from './nft-check';
import { FwCheckOptions, FwCheckResult, RunFn, checkResult, defaultRun, prefixMatches, searchStringsText } from './check-common';

export { FwCheckOptions, FwCheckResult, RunFn, RunResult, checkResult, defaultRun, prefixMatches, searchStringsText } from './check-common';


type Family = 4 | 6;

interface ChainResult {
  ok: boolean;
  /** the "You may just need to add a default logging rule" text follows */
  help: boolean;
  text: string;
}

function helpText(chain: string, host: string): string {
  return (
    '[-] You may just need to add a default logging rule to the\n' +
    `    'filter' '${chain}' chain on ${host}. For more information,\n` +
    '    see the file "README" in the psad sources directory or visit:\n\n' +
    '    http://www.cipherdyne.org/psad/docs/fwconfig.html\n\n'
  );
}

function protoNames(fam: Family): string[] {
  return fam === 6 ? ['tcp', 'udp', 'icmpv6'] : ['tcp', 'udp', 'icmp'];
}

/** `iptables -w -t filter -n -L <chain>` (without -w if this iptables does not know it). */
function listChain(run: RunFn, bin: string, pre: string[], chain: string): string {
  const args = ['-t', 'filter', '-n', '-L', chain];
  let r = run(bin, [...pre, '-w', ...args]);
  if (r.status === 127 && !r.stdout) {
    throw new PsadError(`Could not execute ${bin}: ${r.stderr.trim()}`);
  }
  if (r.status !== 0 && /(?:^|\s)-w\b|--wait|unknown (?:option|argument)|invalid option|illegal option/i.test(r.stderr)) {
    r = run(bin, [...pre, ...args]);
  }
  let out = r.stdout;
  // firewall-cmd --direct --passthrough ends with "success"
  out = out.replace(/^success\s*$(?![\s\S]*\S)/m, '');
  return out;
}

/** Search-all mode: a LOG rule for every protocol from anywhere to anywhere, in the chain or a user chain it jumps to. */
function searchAllCheck(l: Listing, chain: string, fam: Family, host: string): ChainResult {
  const fail = { ok: false, help: true, text: '' };
  if (l.empty) return fail;
  const logChains = new Map<string, Set<string>>();
  for (const c of l.chains.values()) {
    if (c.references === 0) continue;
    for (const r of c.rules) {
      if (!isDefaultLog(r)) continue;
      if (!logChains.has(c.name)) logChains.set(c.name, new Set());
      logChains.get(c.name)!.add(r.proto);
    }
  }
  // "There are no default logging rules in the policy": only the help text
  if (logChains.size === 0) return fail;
  const protos = new Set<string>(logChains.get(chain) ?? []);
  for (const sub of subChains(l, chain)) for (const p of logChains.get(sub) ?? []) protos.add(p);
  if (protos.has('all')) return { ok: true, help: false, text: '' };
  const yes = protoNames(fam).filter((p) => protos.has(p));
  const no = protoNames(fam).filter((p) => !protos.has(p));
  if (yes.length) {
    return {
      ok: false,
      help: true,
      text: `[-] Your firewall config on ${host} includes logging rules for\n    ${yes.join('/')} but not for ${no.join('/')} in the ${chain} chain.\n\n`,
    };
  }
  return {
    ok: false,
    help: true,
    text: `[-] Could not determine whether the ${chain} chain is configured with\n    a default logging rule on ${host}.\n\n`,
  };
}

/** The log prefix of a LOG/ULOG rule: old `` prefix `X' `` and current `prefix "X"` quoting, trimmed. */
export function logPrefix(options: string): string {
  let m = /LOG.*\s+prefix\s+`\s*(.+?)\s*'/.exec(options);
  if (m) return m[1];
  m = /LOG.*\s+prefix\s+"(.*)"(?:\s+queue_threshold\s+\d+)?\s*$/.exec(options) ?? /LOG.*\s+prefix\s+"([^"]*)"/.exec(options);
  if (m) {
    const p = m[1].trim();
    if (p) return p;
  }
  return 'NONE';
}


/** Prefix mode (FW_SEARCH_ALL N): LOG rules with a FW_MSG_SEARCH prefix and a default DROP, in the chain itself. */
function prefixCheck(l: Listing, chain: string, fam: Family, o: FwCheckOptions): ChainResult {
  const host = o.hostname;
  const fail = { ok: false, help: true, text: '' };
  const c = l.chains.get(chain);
  if (!c || c.policy === undefined) return fail;
  const protocols = new Map<string, { log?: string; drop?: number }>();
  const entry = (p: string) => {
    if (!protocols.has(p)) protocols.set(p, {});
    return protocols.get(p)!;
  };
  let foundDrop = false;
  const anyAny = (r: Rule) => isAnyAddr(r.src) && isAnyAddr(r.dst) && r.proto !== '' && (r.opt === '' || r.opt === '--');
  for (const r of c.rules) {
    if (/^U?LOG$/.test(r.target) && anyAny(r)) {
      entry(r.proto).log = logPrefix(r.options);
    } else if (c.policy === 'ACCEPT' && r.target === 'DROP' && anyAny(r) && r.options === '') {
      entry(r.proto).drop = r.num;
      foundDrop = true;
    }
  }
  if (c.policy === 'DROP') {
    entry('all').drop = 0;
    foundDrop = true;
  }
  // "There are no default drop rules in the policy": only the help text
  if (protocols.size === 0 || !foundDrop) return fail;
  let ok = true;
  let text = '';
  const list = protocols.has('all') ? ['all'] : protoNames(fam);
  for (const p of list) {
    const e = protocols.get(p) ?? {};
    const all = p === 'all';
    if (e.log === undefined) {
      text +=
        `[-] The ${chain} chain in the ruleset on ${host} does not\n` +
        `    appear to include a default LOG rule ${all ? 'for all protocols' : `for the ${p} protocol`}.  psad will not be able to\n` +
        `    detect ${all ? 'scans' : `${p} scans`} without such a rule.\n\n`;
      ok = false;
    } else if (!prefixMatches(e.log, o.fwSearch)) {
      text +=
        (all
          ? `[-] The ${chain} chain in the ruleset on ${host} includes a default\n    LOG rule for all protocols,\n`
          : `[-] The ${chain} chain in the ruleset on ${host} inclues a default\n    LOG rule for the ${p} protocol,\n`) +
        '    but the rule does not include one of the log prefixes mentioned above.\n' +
        `    It appears as though the log prefix is set to "${e.log}"\n` +
        `    psad will not be able to detect ${all ? 'scans' : `${p} scans`} without adding one of the above\n` +
        '    logging prefixes to the rule.\n\n';
      ok = false;
    }
    if (e.drop === undefined) {
      text +=
        `[-] The ${chain} chain in the ruleset on ${host} does not\n` +
        `    appear to include a default DROP rule ${all ? 'for all protocols' : `for the ${p} protocol`}.\n\n`;
      ok = false;
    }
  }
  return { ok, help: !ok, text };
}

/**
 * A DROP/REJECT that takes every packet (of its protocol) before the LOG rule
 * for those packets is reached: they are dropped without being logged.
 * Only the first such rule of the chain is reported.
 */
function orderCheck(l: Listing, chain: string, fam: Family, host: string): string {
  const c = l.chains.get(chain);
  if (!c) return '';
  // LOG protocols of each user chain, including the chains it jumps to
  const chainLogs = (name: string): Set<string> => {
    const set = new Set<string>();
    for (const n of [name, ...subChains(l, name)]) {
      for (const r of l.chains.get(n)?.rules ?? []) if (isDefaultLog(r)) set.add(r.proto);
    }
    return set;
  };
  const logs: { num: number; proto: string; via?: string }[] = [];
  for (const r of c.rules) {
    if (isDefaultLog(r)) {
      logs.push({ num: r.num, proto: r.proto });
      continue;
    }
    const sub = r.target ? l.chains.get(r.target) : undefined;
    if (sub && sub.policy === undefined && sub.name !== chain && sub.references !== 0) {
      for (const p of chainLogs(sub.name)) logs.push({ num: r.num, proto: p, via: sub.name });
    }
  }
  for (const d of c.rules) {
    if (!isUnconditionalBlock(d)) continue;
    const covers = (lp: string) => lp === 'all' || lp === d.proto;
    if (logs.some((x) => x.num < d.num && covers(x.proto))) continue;
    const later = logs.find((x) => x.num > d.num && (d.proto === 'all' || covers(x.proto)));
    if (!later) continue;
    const verb = d.target === 'REJECT' ? 'rejects' : 'drops';
    const what = d.proto === 'all' ? 'packet' : `${d.proto} packet`;
    const logRule = later.via ? `rule ${later.num}, the jump to the LOG rule in ${later.via}` : `rule ${later.num}`;
    const bin = fam === 6 ? 'ip6tables' : 'iptables';
    return (
      `[-] The ${chain} chain in the ruleset on ${host} ${verb} packets before\n` +
      `    they are logged: rule ${d.num} (${d.target} ${d.proto}) takes every ${what} before the\n` +
      `    LOG rule (${logRule}) is reached, so psad will not see these packets.\n` +
      `    Move the LOG rule above rule ${d.num} (rule numbers as shown by\n` +
      `    "${bin} -n -L ${chain} --line-numbers").\n\n`
    );
  }
  return '';
}

/** `nft -j list ruleset` when FW_BACKEND asks for the nftables check (see FwCheckOptions.backend), else null. */
function nftRuleset(o: FwCheckOptions, run: RunFn): string | null {
  if (o.backend !== 'nftables' && o.backend !== 'auto') return null;
  const nft = o.nft ?? '/usr/sbin/nft';
  const r = run(nft, ['-j', 'list', 'ruleset']);
  if (r.status !== 0 || !/^\s*\{/.test(r.stdout)) {
    if (o.backend === 'nftables') throw new PsadError(`Could not execute ${nft} -j list ruleset: ${(r.stderr || `exit status ${r.status}`).trim()}`);
    return null;
  }
  if (o.backend === 'auto' && executable(o.iptables) && !hasNativeBaseChains(r.stdout)) return null;
  return r.stdout;
}

/** check_forwarding: IP forwarding on and at least two interfaces with an IPv4 address. */
function forwarding(o: FwCheckOptions, run: RunFn): boolean {
  if (!fs.existsSync(o.procForwardFile)) {
    throw new PsadError(
      'Make sure the path to the IP forwarding file correct.\n' +
        `    The PROC_FORWARD_FILE in ${o.configFile} points to\n    ${o.procForwardFile}`,
    );
  }
  let first: string;
  try {
    first = fs.readFileSync(o.procForwardFile, 'latin1').split('\n')[0];
  } catch (e) {
    throw new PsadError(`Could not open ${o.procForwardFile}: ${(e as Error).message}`);
  }
  if (perlNum(first) === 0) return false;
  let n = 0;
  if (/iproute2/i.test(o.ifcfgtype)) {
    const out = run(o.ipCmd ?? 'ip', ['addr']).stdout;
    let name = '';
    let inet = 0;
    for (const line of out.split('\n')) {
      const m = /^\d+:\s+(\S+):\s</.exec(line);
      if (m) {
        if (inet > 0) n++;
        name = m[1];
        inet = 0;
        continue;
      }
      if (name === 'lo' || /dummy/i.test(name)) continue;
      if (/inet\s+/i.test(line)) inet++;
    }
    if (inet > 0) n++;
  } else {
    const out = run(o.ifconfigCmd ?? 'ifconfig', ['-a']).stdout;
    for (const line of out.split('\n')) if (/inet\s+/i.test(line) && !/127\.0\.0\.1/.test(line)) n++;
  }
  return n >= 2;
}

export function fwCheck(o: FwCheckOptions): FwCheckResult {
  const run = o.run ?? defaultRun;
  let fileText: string | undefined;
  let format: RulesetFormat | null = null;
  if (o.fwFile) {
    if (!fs.existsSync(o.fwFile)) throw new PsadError(`iptables dump file: ${o.fwFile} does not exist.`);
    fileText = fs.readFileSync(o.fwFile, 'latin1');
    format = rulesetFormat(fileText);
    if (format === 'nft-text') {
      throw new PsadError(`${o.fwFile} is an nftables ruleset in nft's text form: save it as JSON (nft -j list ruleset > file) for --fw-file.`);
    }
    if (format === null) {
      throw new PsadError(`${o.fwFile} is not a firewall ruleset: --fw-file reads the output of iptables -n -L, iptables-save,\n    iptables -S or nft -j list ruleset.`);
    }
  }
  const nftJson = fileText !== undefined ? (/^\s*\{/.test(fileText) ? fileText : null) : nftRuleset(o, run);
  if (nftJson !== null) {
    try {
      return nftCheck(o, nftJson, () => forwarding(o, run));
    } catch (e) {
      if (e instanceof PsadError) throw e;
      throw new PsadError(`Could not parse the nftables ruleset${o.fwFile ? ` in ${o.fwFile}` : ''}: ${(e as Error).message}`);
    }
  }
  const host = o.hostname;
  const out: string[] = [];
  // the report in parts: the "add a default logging rule" help is left out
  // when the iptables chains are empty because the firewall is nftables
  const parts: { text: string; help?: boolean }[] = [{ text: searchStringsText(o) }];
  let iptRules = 0;

  const check = (chain: string, fam: Family): boolean => {
    out.push(`[+] Parsing ${chain} chain rules.\n`);
    const text =
      fileText ??
      (fam === 6 ? listChain(run, o.ip6tables, o.ip6tablesArgs ?? [], chain) : listChain(run, o.iptables, o.iptablesArgs ?? [], chain));
    const l = format === 'save' ? parseSaveListing(text) : parseListing(text);
    for (const c of l.chains.values()) iptRules += c.rules.length;
    const r = o.searchAll ? searchAllCheck(l, chain, fam, host) : prefixCheck(l, chain, fam, o);
    const order = l.empty ? '' : orderCheck(l, chain, fam, host);
    parts.push({ text: r.text + order });
    if (r.help) parts.push({ text: helpText(chain, host), help: true });
    return r.ok && !order;
  };

  let inputOk = check('INPUT', 4);
  if (o.ipv6 && !check('INPUT', 6)) inputOk = false;
  let forwardOk = true;
  const fwd = forwarding(o, run);
  if (fwd) forwardOk = check('FORWARD', 4);
  const ok = inputOk && forwardOk;
  // FW_BACKEND iptables on a host whose firewall is nftables: say so
  const native = ok || fileText !== undefined || (o.backend ?? 'iptables') !== 'iptables' ? null : nativeNftNote(o, run);
  let report = parts.filter((p) => !(p.help && native && iptRules === 0)).map((p) => p.text).join('');
  if (native) {
    report += native;
    out.push(native);
  }
  if (!ok && !o.searchAll) {
    report +=
      '\n[+] NOTE: IPTables::Parse does not yet parse user defined chains and so\n' +
      '    it is possible your firewall config is compatible with psad anyway.\n';
  }
  return checkResult(ok, report, out,
    `[+] The iptables ruleset on ${host} will log and block unwanted\n` +
    `    packets in ${fwd ? 'both the INPUT and FORWARD chains' : 'the INPUT chain'}.  Firewall config success!\n`);
}

/**
 * With FW_BACKEND iptables, when the iptables check failed: is the host's
 * firewall a native nftables ruleset (input or forward base chains that
 * iptables does not list)? Then the text that says so and names the setting
 * that reads it; else null.
 */
function nativeNftNote(o: FwCheckOptions, run: RunFn): string | null {
  const nft = o.nft ?? '/usr/sbin/nft';
  if (!executable(nft)) return null;
  const r = run(nft, ['-j', 'list', 'ruleset']);
  if (r.status !== 0 || !/^\s*\{/.test(r.stdout)) return null;
  let chains: string[];
  try {
    chains = nativeBaseChains(r.stdout).map((c) => `${c.family} ${c.table} ${c.name} (${c.hook} hook)`);
  } catch {
    return null;
  }
  if (!chains.length) return null;
  const v = run(o.iptables, ['-V']).stdout.trim();
  const variant = /nf_tables/.test(v) ? `\n    (${v} is iptables-nft: it lists only the tables iptables-nft made)` : '';
  return (
    `[-] The firewall on ${o.hostname} is a native nftables ruleset, which FW_BACKEND iptables\n` +
    `    does not check: its base chains ${chains.join(', ')}\n` +
    `    are not iptables chains${variant}.\n` +
    `    Set FW_BACKEND to nftables (or auto) in ${o.configFile} to check this ruleset.\n\n`
  );
}


// ---------------------------------------------------------------- --fw-dump

function executable(p: string): boolean {
  if (!p) return false;
  try {
    fs.accessSync(p, fs.constants.X_OK);
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

/** IPv4 addresses and networks → x.x.x.x(/x), except 0.0.0.0 and 0.0.0.0/0. */
export function maskIpv4(text: string): string {
  return text.replace(/(?<![\d.])\d{1,3}(?:\.\d{1,3}){3}(\/(?:\d{1,3}(?:\.\d{1,3}){3}|\d{1,2}))?(?![\d.])/g, (m, mask) => {
    if (m === '0.0.0.0/0' || m === '0.0.0.0') return m;
    return mask ? 'x.x.x.x/x' : 'x.x.x.x';
  });
}

/** IPv6 addresses and networks (whole columns) → ::/x, except ::/0. */
export function maskIpv6(text: string): string {
  return text.replace(/(?<=\s)[A-Fa-f0-9:]{2,40}(?:\/\d{1,3})?(?=\s)/g, (m) => {
    if (m === '::/0') return m;
    const addr = m.replace(/\/\d+$/, '');
    if (!addr.includes('::') && addr.split(':').length !== 8) return m;
    return '::/x';
  });
}

export function dumpFirewall(o: { iptables: string; ip6tables: string; ipv6: boolean; includeIps: boolean; run?: RunFn }): { text: string; status: number } {
  const run = o.run ?? defaultRun;
  let text = '';
  let status = 0;
  const part = (name: string, bin: string, mask: (s: string) => string) => {
    text += `\n[+] ${name} policy dump:\n`;
    if (!executable(bin)) {
      text += `[*] Could not find ${name} command.\n`;
      status = 1;
      return;
    }
    const ver = run(bin, ['-V']).stdout;
    if (ver) text += `${ver}\n`;
    const list = run(bin, ['-v', '-n', '-L']).stdout;
    text += o.includeIps ? list : mask(list);
  };
  if (o.ipv6) part('ip6tables', o.ip6tables, maskIpv6);
  part('iptables', o.iptables, maskIpv4);
  return { text, status };
}
