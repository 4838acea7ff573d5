import { spawnSync, spawn, ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { ROOT } from './paths';

/**
 * A firewall host and a scanner in network namespaces the test creates
 * (veth pair, IPv4 10.<n>.0.1/.2 and IPv6 fd<n>::1/::2), with LOG + DROP
 * rules as psad advises, and a private rsyslogd reading the kernel log. The
 * host namespace's firewall is never touched; close() removes everything.
 */

export function have(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

export function sh(cmd: string, args: string[], opts: { allowFail?: boolean; input?: string; timeout?: number } = {}): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', input: opts.input, timeout: opts.timeout ?? 120000 });
  if (!opts.allowFail && r.status !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} failed (${r.status ?? r.signal}): ${r.stderr}`);
  }
  return r.stdout ?? '';
}

export function rootSkipReason(tools: string[]): string | false {
  if (process.getuid?.() !== 0) return 'needs root (network namespaces, iptables, the kernel log): run `sudo npm run test:e2e`';
  const missing = tools.filter((c) => !have(c));
  return missing.length ? `needs ${missing.join(', ')}` : false;
}

let labCounter = 0;

export interface LabOptions {
  /** second octet of the IPv4 addresses and part of the IPv6 prefix */
  net: number;
  /** extra iptables/ip6tables commands in the firewall namespace before LOG+DROP */
  rules?: (lab: NetLab) => void;
  /** no LOG/DROP rules at all (the test installs its own) */
  noRules?: boolean;
}

export class NetLab {
  readonly fw: string;
  readonly scan: string;
  readonly fwIp: string;
  readonly scanIp: string;
  readonly fwIp6: string;
  readonly scanIp6: string;
  private oldNfLog = '';
  private created: string[] = [];

  constructor(readonly o: LabOptions) {
    const id = `${process.pid}-${labCounter++}`;
    this.fw = `psadt-fw-${id}`;
    this.scan = `psadt-sc-${id}`;
    this.fwIp = `10.${o.net}.0.1`;
    this.scanIp = `10.${o.net}.0.2`;
    this.fwIp6 = `fd${o.net}::1`;
    this.scanIp6 = `fd${o.net}::2`;
  }

  inFw(cmd: string, args: string[], opts: { allowFail?: boolean } = {}): string {
    return sh('ip', ['netns', 'exec', this.fw, cmd, ...args], opts);
  }

  inScan(cmd: string, args: string[], opts: { allowFail?: boolean; timeout?: number } = {}): string {
    return sh('ip', ['netns', 'exec', this.scan, cmd, ...args], opts);
  }

  up(): void {
    sh('ip', ['netns', 'add', this.fw]);
    this.created.push(this.fw);
    sh('ip', ['netns', 'add', this.scan]);
    this.created.push(this.scan);
    sh('ip', ['link', 'add', 'veth0', 'netns', this.fw, 'type', 'veth', 'peer', 'name', 'veth1', 'netns', this.scan]);
    this.inFw('ip', ['link', 'set', 'lo', 'up']);
    this.inScan('ip', ['link', 'set', 'lo', 'up']);
    this.inFw('ip', ['addr', 'add', `${this.fwIp}/24`, 'dev', 'veth0']);
    this.inScan('ip', ['addr', 'add', `${this.scanIp}/24`, 'dev', 'veth1']);
    this.inFw('ip', ['-6', 'addr', 'add', `${this.fwIp6}/64`, 'dev', 'veth0', 'nodad']);
    this.inScan('ip', ['-6', 'addr', 'add', `${this.scanIp6}/64`, 'dev', 'veth1', 'nodad']);
    this.inFw('ip', ['link', 'set', 'veth0', 'up']);
    this.inScan('ip', ['link', 'set', 'veth1', 'up']);
    const nf = '/proc/sys/net/netfilter/nf_log_all_netns';
    this.oldNfLog = fs.readFileSync(nf, 'utf8').trim();
    fs.writeFileSync(nf, '1');
    if (this.o.noRules) return;
    if (this.o.rules) this.o.rules(this);
    for (const ipt of ['iptables', 'ip6tables']) {
      this.inFw(ipt, ['-A', 'INPUT', '-m', 'conntrack', '--ctstate', 'ESTABLISHED,RELATED', '-j', 'ACCEPT']);
      this.inFw(ipt, ['-A', 'INPUT', '-i', 'lo', '-j', 'ACCEPT']);
      if (ipt === 'ip6tables') {
        for (const t of ['133', '134', '135', '136']) this.inFw(ipt, ['-A', 'INPUT', '-p', 'ipv6-icmp', '--icmpv6-type', t, '-j', 'ACCEPT']);
      }
      this.inFw(ipt, ['-A', 'INPUT', '-j', 'LOG', '--log-prefix', 'DROP ', '--log-ip-options', '--log-tcp-options']);
      this.inFw(ipt, ['-A', 'INPUT', '-j', 'DROP']);
      this.inFw(ipt, ['-A', 'FORWARD', '-j', 'LOG', '--log-prefix', 'DROP ', '--log-ip-options', '--log-tcp-options']);
      this.inFw(ipt, ['-A', 'FORWARD', '-j', 'DROP']);
    }
  }

  /** nmap from the scanner namespace (fast settings). */
  nmap(args: string[]): void {
    this.inScan('nmap', ['-n', '-Pn', '-T4', '--min-rate', '1500', '--max-retries', '1', ...args], { timeout: 180000 });
  }

  close(): void {
    for (const ns of this.created.reverse()) sh('ip', ['netns', 'delete', ns], { allowFail: true });
    this.created = [];
    if (this.oldNfLog) fs.writeFileSync('/proc/sys/net/netfilter/nf_log_all_netns', this.oldNfLog);
  }
}

/**
 * A private rsyslogd: imklog (the kernel log) and its own imuxsock socket;
 * rules given as rsyslog config lines. Only one kernel-log reader can run at
 * a time, so it holds the capture script's lock while it runs.
 */
export class PrivateRsyslog {
  private child: ChildProcess | null = null;
  private lock: ChildProcess | null = null;
  readonly socket: string;
  readonly conf: string;

  constructor(readonly dir: string, rules: string[], opts: { kernel?: boolean } = {}) {
    this.socket = path.join(dir, 'rsyslog.sock');
    this.conf = path.join(dir, 'rsyslog.conf');
    const lines = [
      `global(workDirectory="${dir}")`,
      'module(load="imuxsock" SysSock.Use="off")',
      `input(type="imuxsock" Socket="${this.socket}" CreatePath="on")`,
    ];
    if (opts.kernel !== false) lines.push('module(load="imklog" PermitNonKernelFacility="on")');
    fs.writeFileSync(this.conf, `${lines.concat(rules).join('\n')}\n`);
  }

  async start(): Promise<void> {
    // serialize kernel-log readers with scripts/capture-scan-log.sh
    // the lock holder is its own process group, so stop() ends flock and its sleep together
    const lock = spawn('flock', ['-w', '300', path.join(ROOT, 'scripts', 'capture-scan-log.sh'), 'sh', '-c', 'echo locked; exec sleep 100000'],
      { stdio: ['ignore', 'pipe', 'ignore'], detached: true });
    this.lock = lock;
    await new Promise<void>((resolve, reject) => {
      let seen = '';
      lock.stdout!.on('data', (d) => {
        seen += d;
        if (seen.includes('locked')) resolve();
      });
      lock.on('exit', (code) => reject(new Error(`could not take the kernel-log lock (flock exited ${code})`)));
    });
    this.child = spawn('rsyslogd', ['-n', '-f', this.conf, '-i', path.join(this.dir, 'rsyslogd.pid')], { stdio: 'ignore' });
    for (let i = 0; i < 100 && !fs.existsSync(this.socket); i++) await new Promise((r) => setTimeout(r, 100));
    if (!fs.existsSync(this.socket)) throw new Error('private rsyslogd did not create its socket');
  }

  hup(): void {
    if (this.child?.pid) process.kill(this.child.pid, 'SIGHUP');
  }

  async stop(): Promise<void> {
    if (this.child && this.child.exitCode === null) {
      const c = this.child;
      const done = new Promise((r) => c.once('exit', r));
      c.kill('SIGTERM');
      await Promise.race([done, new Promise((r) => setTimeout(r, 5000))]);
      if (c.exitCode === null) c.kill('SIGKILL');
    }
    this.child = null;
    if (this.lock?.pid) {
      try { process.kill(-this.lock.pid, 'SIGTERM'); } catch { /* gone */ }
    }
    this.lock = null;
  }
}

/** Polls until fn() is true (or throws after `ms`). */
export async function waitFor(what: string, fn: () => boolean, ms = 20000, step = 100): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    try {
      if (fn()) return;
    } catch {
      /* not yet */
    }
    await new Promise((r) => setTimeout(r, step));
  }
  throw new Error(`timed out waiting for ${what}`);
}
