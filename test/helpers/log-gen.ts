/**
 * Generates realistic (and deliberately broken) iptables/ip6tables syslog
 * lines: many sources, every scan kind, IPv4 and IPv6, signature hits, odd
 * line forms and broken lines. Seeded, so a seed always gives the same log.
 * Used by the differential test against psad 2.4.6 and by bench/.
 */

export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0 || 1;
  }
  next(): number {
    // xorshift32
    let x = this.s;
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    this.s = x;
    return x / 0x100000000;
  }
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  pick<T>(a: readonly T[]): T {
    return a[Math.floor(this.next() * a.length)];
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const SIG_PORTS = [1433, 1214, 1417, 1015, 3389, 5900, 6000, 12345, 27374, 31337, 22, 23, 2323, 80, 8080, 3128, 1080,
  6667, 7070, 555, 666, 1723, 5631, 9100, 6881, 4899, 32771, 7100, 2000, 10000, 79, 113, 515];
const TCP_FLAGS = ['SYN', 'SYN', 'SYN', 'SYN', 'FIN', 'URG PSH FIN', '', 'ACK', 'RST', 'SYN ACK', 'URG PSH SYN FIN',
  'CWR ECE SYN', 'ACK PSH', 'FIN ACK', 'CWR ECE', 'RST ACK'];
const TCP_OPTS = ['020405B4', '020405B40402080A0012D6870000000001030307', '020405B4010303000101080A000000000000000004020000',
  '0204058C', '020405B401010402', '0101080A00', '02040218', '0204', 'ZZ', '020405B4030303'];
const ICMP4 = [[8, 0], [8, 0], [0, 0], [3, 3], [3, 1], [11, 0], [8, 2], [13, 0], [17, 0], [5, 1], [42, 0], [3, 99], [15, 0]];
const ICMP6 = [[128, 0], [129, 0], [135, 0], [136, 0], [137, 0], [1, 4], [133, 0], [135, 22], [200, 0], [2, 0], [143, 0]];
const PROTOS = [2, 47, 50, 51, 89, 103, 132, 0, 255, 41];

export interface GenOptions {
  lines: number;
  seed: number;
  /** fraction of broken / odd lines (default 0.05) */
  broken?: number;
  /** number of distinct scanning sources (default 60) */
  sources?: number;
  /** only well-formed IPv4 TCP SYN scan lines (for throughput benchmarks) */
  plain?: boolean;
  /**
   * A firewall host's day: a few local addresses, sources with a skewed
   * packet count (a few heavy port scanners, many one-off probes of common
   * ports), mostly TCP SYN, some UDP, ICMP, IPv6 and other protocols.
   */
  realistic?: boolean;
}

const COMMON_PORTS = [22, 23, 80, 443, 445, 3389, 1433, 3306, 8080, 5900, 25, 53, 123, 161, 2323, 8443, 6379, 5060];

function hex4(n: number): string {
  return n.toString(16).padStart(4, '0');
}

function v6full(words: number[]): string {
  return words.map(hex4).join(':');
}

export class LogGenerator {
  private readonly r: Rng;
  private readonly srcs4: string[] = [];
  private readonly srcs6: string[] = [];
  private readonly dsts4: string[] = [];
  private readonly dsts6: string[] = [];
  private port = 0;
  /** an ongoing scan: fixed source, destination(s) and flags for a while */
  private burst: { left: number; v6: boolean; src: string; dst: string; sweep: boolean; flags: string; proto: string } | null = null;

  constructor(private readonly o: GenOptions) {
    this.r = new Rng(o.seed);
    const n = o.sources ?? 60;
    for (let i = 0; i < n; i++) {
      this.srcs4.push(`${this.r.pick([10, 172, 192, 203, 198])}.${this.r.int(0, 255)}.${this.r.int(0, 255)}.${this.r.int(1, 254)}`);
    }
    for (let i = 0; i < Math.max(2, n / 6); i++) this.srcs6.push(v6full([0x2001, 0xdb8, this.r.int(0, 0xffff), 0, 0, 0, 0, this.r.int(1, 0xffff)]));
    for (let i = 0; i < 30; i++) this.dsts4.push(`192.168.${this.r.int(1, 3)}.${this.r.int(1, 254)}`);
    for (let i = 0; i < 6; i++) this.dsts6.push(v6full([0x2001, 0xdb8, 0xf101, 0, 0, 0, 0, this.r.int(1, 50)]));
  }

  private header(): string {
    const r = this.r;
    const ts = `${r.pick(MONTHS)} ${String(r.int(1, 28)).padStart(2, ' ')} ${String(r.int(0, 23)).padStart(2, '0')}:${String(r.int(0, 59)).padStart(2, '0')}:${String(r.int(0, 59)).padStart(2, '0')}`;
    const host = r.pick(['fw', 'linux', 'gw01', 'fw.example.org']);
    const kts = r.chance(0.7) ? `[${String(r.int(1, 99999)).padStart(6, ' ')}.${String(r.int(0, 999999)).padStart(6, '0')}] ` : '';
    const prefix = r.pick(['DROP ', 'DROP ', 'DROP ', 'IN_DROP ', 'INPUT DROP ', '', 'REJECT ', 'SID2003 ', 'LOG: ']);
    if (this.o.plain) return `${ts} ${host} kernel: ${kts}DROP `;
    if (r.chance(0.05)) return `2026-${String(r.int(1, 12)).padStart(2, '0')}-${String(r.int(1, 28)).padStart(2, '0')}T${String(r.int(0, 23)).padStart(2, '0')}:10:11.${r.int(100000, 999999)}+02:00 ${host} kernel: ${kts}${prefix}`;
    return `${ts} ${host} kernel: ${kts}${prefix}`;
  }

  private chain(v6: boolean): string {
    const r = this.r;
    const mac = v6 ? '00:1b:21:3c:4d:5e:00:21:3f:98:99:78:86:dd' : '00:1b:21:3c:4d:5e:00:21:3f:98:99:78:08:00';
    if (this.o.plain) return `IN=eth0 OUT= MAC=${mac} `;
    const k = r.int(0, 9);
    if (k < 6) return `IN=eth${r.int(0, 1)} OUT= MAC=${mac} `;
    if (k === 6) return `IN=eth0 OUT=eth1 `;
    if (k === 7) return `IN= OUT=eth0 `;
    if (k === 8) return `IN=br0 PHYSIN=eth0 OUT=br0 PHYSOUT=eth1 `;
    return `IN=eth0.1 OUT= `;
  }

  private srcDst(v6: boolean): [string, string] {
    const b = this.burst;
    if (b && b.v6 === v6) return [b.src, b.sweep ? (v6 ? this.r.pick(this.dsts6) : this.r.pick(this.dsts4)) : b.dst];
    return v6 ? [this.r.pick(this.srcs6), this.r.pick(this.dsts6)] : [this.r.pick(this.srcs4), this.r.pick(this.dsts4)];
  }

  private dport(): number {
    const r = this.r;
    if (r.chance(0.15)) return r.pick(SIG_PORTS);
    if (r.chance(0.5)) {
      this.port = (this.port + 1) % 65536;
      return this.port;
    }
    return r.int(0, 65535);
  }

  private ip4hdr(len: number): string {
    const r = this.r;
    const opts = r.chance(0.03) ? `OPT (${r.pick(['830700000000', '940400000000', '44040000', '01010000', '0707'])}) ` : '';
    return `LEN=${len} TOS=0x${r.pick(['00', '10', '08'])} PREC=0x00 TTL=${r.pick([32, 48, 53, 57, 64, 110, 128, 240, 255])} ID=${r.int(0, 65535)} ${r.chance(0.4) ? 'DF ' : ''}${opts}`;
  }

  private ip6hdr(len: number): string {
    const r = this.r;
    const opts = r.chance(0.05) ? 'OPT ( ) '.repeat(r.int(1, 9)) : '';
    return `LEN=${len} TC=0 HOPLIMIT=${r.pick([52, 64, 255])} FLOWLBL=${r.int(0, 2)} ${opts}`;
  }

  private tcp(v6: boolean): string {
    const r = this.r;
    const [s, d] = this.srcDst(v6);
    const flags = this.o.plain ? 'SYN' : this.burst ? this.burst.flags : r.pick(TCP_FLAGS);
    const seq = !this.o.plain && r.chance(0.05) ? `SEQ=${r.int(0, 4294967295)} ACK=${r.int(0, 10)} ` : '';
    const opts = this.o.plain ? 'OPT (020405B4) ' : (r.chance(0.5) ? `OPT (${r.pick(TCP_OPTS)}) ` : '');
    const len = this.o.plain ? 44 : r.pick([40, 44, 48, 60, 64, 132, 1500]);
    const hdr = v6 ? this.ip6hdr(len) : this.ip4hdr(len);
    return `SRC=${s} DST=${d} ${hdr}PROTO=TCP SPT=${r.int(1024, 65535)} DPT=${this.dport()} ${seq}WINDOW=${r.pick([1024, 2048, 3072, 4096, 5840, 8192, 16384, 65535])} RES=0x00 ${flags ? flags + ' ' : ''}URGP=0 ${opts}`;
  }

  private udp(v6: boolean): string {
    const r = this.r;
    const [s, d] = this.srcDst(v6);
    const lite = r.chance(0.05) ? 'UDPLITE' : 'UDP';
    const hdr = v6 ? this.ip6hdr(r.int(28, 200)) : this.ip4hdr(r.int(28, 200));
    return `SRC=${s} DST=${d} ${hdr}PROTO=${lite} SPT=${r.int(1, 65535)} DPT=${this.dport()} LEN=${r.int(8, 180)} `;
  }

  private icmp(v6: boolean): string {
    const r = this.r;
    const [s, d] = this.srcDst(v6);
    if (v6) {
      const [t, c] = r.pick(ICMP6);
      return `SRC=${s} DST=${d} ${this.ip6hdr(r.int(64, 128))}PROTO=ICMPv6 TYPE=${t} CODE=${c} ID=${r.int(1, 65535)} SEQ=${r.int(1, 9)} `;
    }
    const [t, c] = r.pick(ICMP4);
    let tail = '';
    if (t === 8 || t === 0) tail = r.chance(0.9) ? `ID=${r.pick([0, 666, r.int(1, 65535)])} SEQ=${r.pick([0, 1, r.int(1, 300)])} ` : '';
    else if (t === 3) tail = `[SRC=${d} DST=${s} LEN=68 TOS=0x00 PREC=0x00 TTL=0 ID=22458 PROTO=UDP SPT=35080 DPT=33434 LEN=48 ] `;
    return `SRC=${s} DST=${d} ${this.ip4hdr(r.int(28, 100))}PROTO=ICMP TYPE=${t} CODE=${c} ${tail}`;
  }

  private other(v6: boolean): string {
    const r = this.r;
    const [s, d] = this.srcDst(v6);
    const p = r.chance(0.1) ? r.pick(['ESP', 'AH', 'SCTP']) : String(r.pick(PROTOS));
    return `SRC=${s} DST=${d} ${v6 ? this.ip6hdr(r.int(20, 100)) : this.ip4hdr(r.int(20, 100))}PROTO=${p} `;
  }

  private broken(line: string): string {
    const r = this.r;
    switch (r.int(0, 9)) {
      case 0: return line.slice(0, r.int(10, line.length - 1));
      case 1: return line.replace(/SRC=\S+/, `SRC=${r.pick(['256.1.1.1', '1.2.3', '010.0.0.1', '08.1.1.1', '2001:db8::1', 'x'])}`);
      case 2: return line.replace(/DST=\S+/, 'DST=2001:db8::2');
      case 3: return `${line} ${'A'.repeat(r.int(1, 3000))}`;
      case 4: return line.replace('PROTO=', 'PROTO= ');
      case 5: return line.replace(/ OUT=\S*/, '');
      case 6: return `random syslog line from cron[${r.int(1, 9999)}]: job done`;
      case 7: return line.replace('kernel:', 'kernel:kernel:');
      case 8: return `${line}\u00e9\u00ff\u0001`;
      default: return line.replace(' URGP=', 'URGP=');
    }
  }

  private realisticLine(): string {
    const r = this.r;
    // skewed source choice: index = n * u^3 favours the first sources heavily
    const n = this.srcs4.length;
    const idx = Math.min(n - 1, Math.floor(n * r.next() ** 3));
    const heavy = idx < Math.max(3, n / 500);
    const v6 = idx % 10 === 9;
    const src = v6 ? this.srcs6[idx % this.srcs6.length] : this.srcs4[idx];
    const dst = v6 ? this.dsts6[idx % 2] : this.dsts4[idx % 3];
    const k = r.int(0, 99);
    const hdr = `${r.pick(MONTHS)} ${String(r.int(1, 28)).padStart(2, ' ')} ${String(r.int(0, 23)).padStart(2, '0')}:${String(r.int(0, 59)).padStart(2, '0')}:${String(r.int(0, 59)).padStart(2, '0')} fw kernel: [${String(r.int(1, 99999)).padStart(6, ' ')}.${String(r.int(0, 999999)).padStart(6, '0')}] DROP IN=eth0 OUT= MAC=00:1b:21:3c:4d:5e:00:21:3f:98:99:78:${v6 ? '86:dd' : '08:00'} `;
    const ip = (len: number) => (v6 ? `SRC=${src} DST=${dst} LEN=${len} TC=0 HOPLIMIT=${r.pick([52, 64])} FLOWLBL=0 `
      : `SRC=${src} DST=${dst} LEN=${len} TOS=0x00 PREC=0x00 TTL=${r.pick([48, 53, 57, 64, 110, 240])} ID=${r.int(0, 65535)} ${r.chance(0.3) ? 'DF ' : ''}`);
    if (k < 85) {
      const dport = heavy ? (this.port = (this.port + 1) % 65536) : r.pick(COMMON_PORTS);
      const opts = r.chance(0.7) ? `OPT (${r.pick(TCP_OPTS.slice(0, 5))}) ` : '';
      return `${hdr}${ip(r.pick([40, 44, 60]))}PROTO=TCP SPT=${r.int(1024, 65535)} DPT=${dport} WINDOW=${r.pick([1024, 29200, 64240, 65535])} RES=0x00 ${heavy && r.chance(0.1) ? 'FIN' : 'SYN'} URGP=0 ${opts}`;
    }
    if (k < 93) return `${hdr}${ip(r.int(28, 120))}PROTO=UDP SPT=${r.int(1024, 65535)} DPT=${r.pick(COMMON_PORTS)} LEN=${r.int(8, 100)} `;
    if (k < 98) {
      if (v6) return `${hdr}${ip(104)}PROTO=ICMPv6 TYPE=128 CODE=0 ID=${r.int(1, 65535)} SEQ=1 `;
      return `${hdr}${ip(84)}PROTO=ICMP TYPE=8 CODE=0 ID=${r.int(1, 65535)} SEQ=${r.int(1, 9)} `;
    }
    return `${hdr}${ip(r.int(20, 100))}PROTO=${r.pick(PROTOS)} `;
  }

  /** The next line (without '\n'). */
  line(): string {
    const r = this.r;
    if (this.o.realistic) return this.realisticLine();
    if (this.o.plain) return this.header() + this.chain(false) + this.tcp(false);
    if (this.burst && --this.burst.left <= 0) this.burst = null;
    if (!this.burst && r.chance(0.01)) {
      const v6b = r.chance(0.25);
      this.burst = {
        left: r.int(10, 600), v6: v6b, src: v6b ? r.pick(this.srcs6) : r.pick(this.srcs4), dst: v6b ? r.pick(this.dsts6) : r.pick(this.dsts4),
        sweep: r.chance(0.2), flags: r.pick(['SYN', 'FIN', 'URG PSH FIN', '', 'SYN']), proto: r.pick(['tcp', 'tcp', 'udp', 'icmp', 'other']),
      };
    }
    const v6 = this.burst ? this.burst.v6 : r.chance(0.2);
    const k = this.burst ? ({ tcp: 0, udp: 70, icmp: 80, other: 95 } as Record<string, number>)[this.burst.proto] : r.int(0, 99);
    const body = k < 60 ? this.tcp(v6) : k < 78 ? this.udp(v6) : k < 92 ? this.icmp(v6) : this.other(v6);
    const line = this.header() + this.chain(v6) + body;
    return r.chance(this.o.broken ?? 0.05) ? this.broken(line) : line;
  }

  *lines(): Generator<string> {
    for (let i = 0; i < this.o.lines; i++) yield this.line();
  }
}
