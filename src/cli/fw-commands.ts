import * as fs from 'fs';
import { PsadConfig } from '../config/config';
import { PsadError } from '../config/errors';
import { Syslog, syslogPriority } from '../alert/syslog';
import { Mailer, mailerOptions } from '../alert/mailer';
import { runningPid } from '../daemon/pidfile';
import { netContains, netText } from '../net/addr';
import { parseUserNet } from '../net/user-addr';
import {
  AutoResponse, displayText, keyOf, normaliseNet, readRecordFile, SocketCmd,
} from '../respond/auto-response';
import { blockTimeout } from '../respond/block-expiry';
import { responseEnv } from '../respond/env';
import { createBackend } from '../respond/select';
import { sendCommands } from '../respond/control-socket';
import { loadAutoDl } from '../pipeline/runtime';
import { alertingMethods } from '../config/alerting';

type Out = (text: string) => void;

/** syslog and mail for a client that acts itself (no daemon running). */
function clientIo(cfg: PsadConfig, testMode: boolean): { syslog: Syslog; mailer: Mailer; log: (m: string) => void; mail: (s: string) => void } {
  const methods = alertingMethods(cfg);
  const syslog = new Syslog({
    ident: cfg.get('SYSLOG_IDENTITY'),
    priority: syslogPriority(cfg.get('SYSLOG_FACILITY'), cfg.get('SYSLOG_PRIORITY')),
    socket: cfg.opt('SYSLOG_SOCKET', '/dev/log'),
    enabled: !testMode && methods.syslog,
  });
  const mailer = new Mailer(mailerOptions(cfg, {
    enabled: !testMode && methods.mail,
    onError: (m) => process.stderr.write(`[*] ${m}\n`),
    retryDelaysMs: [],
  }));
  return { syslog, mailer, log: (m) => syslog.log(m), mail: (s) => mailer.send(s, '') };
}

async function finish(io: ReturnType<typeof clientIo>): Promise<void> {
  await io.mailer.idle(30000);
  await io.syslog.flush();
  io.syslog.close();
}

function daemonRunning(cfg: PsadConfig): boolean {
  return fs.existsSync(cfg.get('PSAD_PID_FILE')) && runningPid(cfg.get('PSAD_PID_FILE')) > 0;
}

/** The address argument of --fw-block-ip / --fw-rm-block-ip as a network (IPv4 or IPv6). */
function blockArg(arg: string, opt: string): { text: string; net: ReturnType<typeof normaliseNet> } {
  const t = arg.trim();
  const net = /^[0-9A-Fa-f:.]+(?:\/[0-9.]+)?$/.test(t) ? parseUserNet(t) : null;
  if (!net) throw new PsadError(`The --${opt} argument accepts an IP address or network (IPv4 or IPv6): "${arg.slice(0, 80)}"`);
  const n = normaliseNet(net);
  return { text: displayText(n), net: n };
}

async function directResponse(cfg: PsadConfig, testMode: boolean, withAutoDl: boolean): Promise<{ r: AutoResponse; io: ReturnType<typeof clientIo> }> {
  const io = clientIo(cfg, testMode);
  const autoDl = withAutoDl ? loadAutoDl(cfg, (m) => process.stderr.write(`[-] ${m}\n`)) : [];
  const r = new AutoResponse(responseEnv(cfg, autoDl, { log: io.log, mail: io.mail }));
  const now = r.env.now();
  const dl = cfg.num('AUTO_IDS_DANGER_LEVEL');
  for (const rec of readRecordFile(cfg.get('AUTO_BLOCK_IPT_FILE'), now, io.log)) {
    r.blocked.set(keyOf(rec.net), { key: keyOf(rec.net), net: rec.net, text: rec.text, since: rec.since, dl });
  }
  return { r, io };
}

/**
 * --fw-block-ip: through the running daemon's socket, as psad 2.4.6 does; or,
 * when no psad runs, directly (the block is recorded in AUTO_BLOCK_IPT_FILE
 * and the daemon takes it over when it starts). IPv6 and networks are
 * accepted; addresses psad must never block are refused here already.
 */
export async function fwBlockIp(cfg: PsadConfig, arg: string, out: Out, testMode: boolean): Promise<number> {
  const { text, net } = blockArg(arg, 'fw-block-ip');
  const autoDl = loadAutoDl(cfg, (m) => process.stderr.write(`[-] ${m}\n`));
  for (const e of autoDl) {
    if (e.dl === 0 && e.net.v6 === net.v6 && netContains(e.net, net.addr) && e.net.prefix <= net.prefix) {
      throw new PsadError(`${text} overlaps with whitelisted ${netText(e.net)} in ${cfg.get('AUTO_DL_FILE')}`);
    }
  }
  if (cfg.get('ENABLE_AUTO_IDS') !== 'Y') throw new PsadError("ENABLE_AUTO_IDS is not set to 'Y', exiting.");
  const probe = new AutoResponse(responseEnv(cfg, autoDl, { log: () => undefined, mail: () => undefined }));
  const why = probe.refusal(net);
  if (why) throw new PsadError(`Not blocking ${text}: ${why}.`);
  if (daemonRunning(cfg)) {
    out(`[+] Writing ${text} to socket; psad will add the IP within ${cfg.get('CHECK_INTERVAL')} seconds.\n`);
    await toSocket(cfg, [`add ${text}`]);
    return 0;
  }
  const { r, io } = await directResponse(cfg, testMode, true);
  r.commands([{ kind: 'add', net, text }]);
  await finish(io);
  const ok = r.blocked.has(keyOf(net));
  if (ok) {
    const t = blockTimeout(cfg, cfg.num('AUTO_IDS_DANGER_LEVEL'));
    out(`[+] psad is not running; blocked ${text} ${t > 0 ? `for ${t} seconds (removed when psad runs and the time is up)` : '(unlimited timeout)'}.\n`);
    return 0;
  }
  out(`[-] psad is not running, and ${text} could not be blocked (see syslog).\n`);
  return 1;
}

/** --fw-rm-block-ip: through the daemon, or directly when none runs. */
export async function fwRmBlockIp(cfg: PsadConfig, arg: string, out: Out, testMode: boolean): Promise<number> {
  const { text, net } = blockArg(arg, 'fw-rm-block-ip');
  if (cfg.get('ENABLE_AUTO_IDS') !== 'Y') throw new PsadError("ENABLE_AUTO_IDS is not set to 'Y', exiting.");
  if (daemonRunning(cfg)) {
    out(`[+] Writing ${text} to socket; psad will remove the IP\n    within ${cfg.get('CHECK_INTERVAL')} seconds.\n`);
    await toSocket(cfg, [`del ${text}`]);
    return 0;
  }
  const { r, io } = await directResponse(cfg, testMode, false);
  const had = r.blocked.has(keyOf(net));
  r.commands([{ kind: 'del', net, text }]);
  await finish(io);
  if (r.blocked.has(keyOf(net))) {
    out(`[-] psad is not running, and the block of ${text} could not be removed (see syslog).\n`);
    return 1;
  }
  out(had ? `[+] psad is not running; removed the block of ${text}.\n` : `[-] ${text} was not blocked.\n`);
  return 0;
}

async function toSocket(cfg: PsadConfig, lines: string[]): Promise<void> {
  const sock = cfg.get('AUTO_IPT_SOCK');
  if (!fs.existsSync(sock)) {
    throw new PsadError(`${sock} file is missing. Did something remove it?\n    You should stop psad, run the command again, then restart psad.`);
  }
  try {
    await sendCommands(sock, lines);
  } catch (e) {
    throw new PsadError(`Could not acquire ${sock} socket: ${(e as Error).message}`);
  }
}

/** -F/--Flush [-X/--fw-del-chains]: through the daemon when it runs with ENABLE_AUTO_IDS, else directly. */
export async function flushCommand(cfg: PsadConfig, delChains: boolean, out: Out, testMode: boolean): Promise<number> {
  if (daemonRunning(cfg) && cfg.get('ENABLE_AUTO_IDS') === 'Y') {
    out(`[+] Flushing psad chains via running psad daemon within\n    ${cfg.get('CHECK_INTERVAL')} seconds.\n`);
    await toSocket(cfg, [delChains ? 'flush delchains' : 'flush']);
    return 0;
  }
  out(delChains ? '[+] Flushing and deleting psad chains.\n' : '[+] Flushing psad chains.\n');
  const { r, io } = await directResponse(cfg, testMode, false);
  r.flush(delChains);
  await finish(io);
  return 0;
}

/** --fw-list-auto / --List: psad's chains as `iptables -n -L <chain> -v` shows them (and ip6tables'). */
export function listAuto(cfg: PsadConfig, out: Out): number {
  out('[+] Listing chains from IPT_AUTO_CHAIN keywords...\n');
  if (cfg.get('ENABLE_AUTO_IDS') === 'N') out(`[-] NOTE: ENABLE_AUTO_IDS is currently disabled in ${cfg.mainFile}\n`);
  out('\n');
  const backend = createBackend(cfg, () => undefined);
  out(backend.list(4));
  if (cfg.opt('ENABLE_IPV6_DETECTION', 'Y') === 'Y') {
    // psad 2.4.6 never had IPv6 chains; list them when there are any
    const v6 = backend.list(6);
    if (/^(Chain |table )/m.test(v6)) {
      out(`[+] ${backend.name === 'iptables' ? 'ip6tables' : 'IPv6'}:\n\n`);
      out(v6);
    }
  }
  return 0;
}

/**
 * The blocked-address section of `psad -S` (psad 2.4.6's
 * print_blocked_ip_status): every recorded block with the time it has left,
 * with --verbose the chains holding it; a block whose rule is gone or whose
 * time is up is cleaned up through the daemon (or directly). IPv6 blocks are
 * listed too.
 */
export function blockedStatus(cfg: PsadConfig, specificIp: string, verbose: boolean, dlOf: (ip: string) => number | undefined): { lines: string[]; cleanup: SocketCmd[] } {
  const file = cfg.get('AUTO_BLOCK_IPT_FILE');
  if (!fs.existsSync(file)) return { lines: [], cleanup: [] };
  const lines: string[] = [specificIp ? `    iptables auto-blocking status for: ${specificIp}: \n` : '    iptables auto-blocked IPs:\n'];
  const now = Math.floor(Date.now() / 1000);
  const root = process.getuid?.() === 0;
  let backend = null;
  if (root) {
    try {
      backend = createBackend(cfg, () => undefined);
    } catch {
      backend = null;
    }
  }
  let found = false;
  const cleanup: SocketCmd[] = [];
  const rawLines = fs.readFileSync(file, 'latin1').split('\n');
  const records = readRecordFile(file, now, () => undefined);
  // the address is matched as written, except that ::ffff:a.b.c.d is a.b.c.d, as its block was recorded
  const asIPv4 = specificIp.includes(':') ? parseUserNet(specificIp) : null;
  const wanted = asIPv4 && !asIPv4.v6 ? displayText(asIPv4) : specificIp;
  for (const rec of records) {
    if (wanted && rec.text !== wanted) continue;
    const hasTime = rawLines.some((l) => new RegExp(`^\\s*${rec.text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s+\\d+`).test(l));
    const dl = dlOf(rec.text) ?? cfg.num('AUTO_IDS_DANGER_LEVEL');
    const timeout = blockTimeout(cfg, dl);
    let remain = 0;
    if (hasTime) {
      if (timeout > 0) {
        remain = Math.max(0, timeout - (now - rec.since));
        lines.push(`      ${rec.text} (${remain} seconds remaining)\n`);
      } else lines.push(`      ${rec.text} (unlimited timeout)\n`);
    } else lines.push(`      ${rec.text}\n`);
    found = true;
    if (!backend) continue;
    const where = backend.blockedIn(rec.net);
    if (verbose) for (const w of where) lines.push(`            ${w}\n`);
    if (timeout === 0 || remain > 0) {
      if (!where.length) {
        lines.push('            [not currently blocked, sending cleanup via --fw-rm-block-ip]\n');
        cleanup.push({ kind: 'del', net: rec.net, text: rec.text });
      }
    } else {
      lines.push('            [expired timeout, sending cleanup via --fw-rm-block-ip]\n');
      cleanup.push({ kind: 'del', net: rec.net, text: rec.text });
    }
  }
  if (!found) lines.push('        [NONE]\n');
  lines.push('\n');
  return { lines, cleanup };
}

/** Sends the clean-up of blockedStatus() to the daemon, or does it directly when none runs. */
export async function cleanupBlocks(cfg: PsadConfig, cleanup: SocketCmd[]): Promise<void> {
  if (!cleanup.length || cfg.get('ENABLE_AUTO_IDS') !== 'Y') return;
  if (daemonRunning(cfg)) {
    await toSocket(cfg, cleanup.map((c) => `del ${(c as { text: string }).text}`)).catch(() => undefined);
    return;
  }
  const { r, io } = await directResponse(cfg, false, false);
  r.commands(cleanup);
  await finish(io);
}

/**
 * --analysis-auto-block: after -A, block the sources that reached
 * AUTO_IDS_DANGER_LEVEL as the daemon would, then (as psad 2.4.6 does) wait
 * AUTO_BLOCK_TIMEOUT + 1 seconds and run expiry once.
 */
export async function analysisAutoBlock(
  cfg: PsadConfig, sources: Iterable<string>, dlOf: (ip: string) => number | undefined, regexMatched: (ip: string) => boolean,
  out: Out, testMode: boolean, sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
): Promise<void> {
  const { r, io } = await directResponse(cfg, testMode, true);
  r.env.currentDl = dlOf;
  const before = new Set(r.blocked.keys());
  r.afterBatch(sources, dlOf, regexMatched);
  const added = [...r.blocked.values()].filter((e) => !before.has(e.key));
  for (const e of added) out(`[+] Blocked ${e.text}\n`);
  const wait = cfg.num('AUTO_BLOCK_TIMEOUT') + 1;
  if (added.length) out(`[+] Waiting ${wait} seconds (AUTO_BLOCK_TIMEOUT + 1) before expiring blocks.\n`);
  await sleep(wait * 1000);
  r.expire();
  await finish(io);
}
