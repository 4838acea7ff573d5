import { Net, ANY_NET } from '../net/addr';
import { parseUserNet } from '../net/user-addr';
import { IpOption } from './ip-options';
import { Warn } from './diagnostics';
import { PsadError } from '../config/errors';

/** An inclusive integer range, optionally negated ("!"). */
export interface IntRange {
  s: number;
  e: number;
  neg: boolean;
}

export interface SigNet {
  key: string;
  net: Net;
}

export type SigProto = 'tcp' | 'udp' | 'icmp' | 'ip';

export interface Signature {
  sid: number;
  psadId: number;
  isPsadId: boolean;
  msg: string;
  proto: SigProto;
  src: SigNet[];
  dst: SigNet[];
  sp: IntRange;
  dp: IntRange;
  classtype: string;
  references: Map<string, string[]>;
  dl: number;
  derivedSids?: string[];
  sameip: boolean;
  psadDsize?: IntRange;
  psadIpLen?: IntRange;
  dsize?: IntRange;
  ttl?: IntRange;
  id?: IntRange;
  ipopts?: string;
  flags?: string;
  seq?: IntRange;
  ack?: IntRange;
  window?: IntRange;
  itype?: IntRange;
  icode?: IntRange;
  icmpSeq?: IntRange;
  icmpId?: IntRange;
  ipProto?: IntRange;
  line: number;
}

export interface SignatureSet {
  list: Signature[];
  bySid: Map<number, Signature>;
  /** highest sid/psad_id seen (for --get-next-rule-id) */
  maxId: number;
}

const UNSUPPORTED = ['pcre', 'fragbits', 'content-list', 'rpc', 'byte_test', 'byte_jump', 'distance', 'within',
  'flowbits', 'rawbytes', 'regex', 'isdataat', 'uricontent', 'content', 'offset', 'replace', 'resp', 'ip_proto'];

const IPV4 = '(?:[0-2]?\\d{1,2}\\.){3}[0-2]?\\d{1,2}';
const RE_NET_MASK = new RegExp(`(${IPV4}/${IPV4})`);
const RE_NET_BITS = new RegExp(`(${IPV4}/\\d+)`);
const RE_IP = new RegExp(`(${IPV4})`);

class SigLineError extends Error {}

export interface SignatureContext {
  /** psad.conf variables for $VAR substitution */
  vars: ReadonlyMap<string, string>;
  /** Snort classtype -> DL from classification.config */
  classDl: ReadonlyMap<string, number>;
  ipOptions: IpOption[];
  strict: boolean;
}

function subVar(val: string, vars: ReadonlyMap<string, string>): string {
  if (/\$.+\$/.test(val)) throw new SigLineError('Multiple embedded vars not supported');
  const m = /\$(\w+)/.exec(val);
  if (!m) return val;
  const v = vars.get(m[1]);
  if (v === undefined) throw new SigLineError(`sub-var "${m[1]}" not defined in psad.conf`);
  return val.replace(/\$\w+/, () => v);
}

function netFromItem(item: string): SigNet | null {
  const m = RE_NET_MASK.exec(item) ?? RE_NET_BITS.exec(item) ?? RE_IP.exec(item);
  if (m) {
    const net = parseUserNet(m[1]);
    return net ? { key: m[1], net } : null;
  }
  return null;
}

/** Signature source/destination: one $VAR, comma lists, nets, "any". */
export function expandSigIps(text: string, vars: ReadonlyMap<string, string>): SigNet[] {
  const s = subVar(text, vars);
  const out: SigNet[] = [];
  const add = (n: SigNet | null) => {
    if (n && !out.some((o) => o.key === n.key)) out.push(n);
  };
  if (s.includes(',')) {
    for (const item of s.split(/\s*,\s*/)) {
      const n = netFromItem(item);
      if (n) add(n);
      else if (item.includes(':')) {
        const net = parseUserNet(item);
        if (net) add({ key: item, net });
      }
    }
    return out;
  }
  const n = netFromItem(s);
  if (n) return [n];
  if (s.includes(':')) {
    const net = parseUserNet(s);
    if (!net) throw new SigLineError(`Invalid address ${s}`);
    return [{ key: s, net }];
  }
  if (s === 'any' || /NOT_?USED/i.test(s)) return [{ key: 'any', net: ANY_NET }];
  throw new SigLineError(`Unrecognized src/dst: ${s}`);
}

/** Port/number range syntax of psad signatures, with the keyword's default bounds. */
export function buildIntRange(value: string, min: number, max: number, vars: ReadonlyMap<string, string>): IntRange {
  let val = subVar(value, vars);
  const r: IntRange = { s: min, e: max, neg: val.includes('!') };
  val = val.replace('!', '');
  if (val === 'any') return r;
  let m: RegExpExecArray | null;
  if ((m = /^\s*(\d+)\s*:\s*(\d+)/.exec(val))) { r.s = Number(m[1]); r.e = Number(m[2]); }
  else if ((m = /^\s*(\d+)\s*:/.exec(val))) r.s = Number(m[1]);
  else if ((m = /^\s*:(\d+)/.exec(val))) r.e = Number(m[1]);
  else if ((m = /^\s*<=\s*(\d+)/.exec(val))) r.e = Number(m[1]);
  else if ((m = /^\s*<\s*(\d+)/.exec(val))) r.e = Number(m[1]) - 1;
  else if ((m = /^\s*>=\s*(\d+)/.exec(val))) r.s = Number(m[1]);
  else if ((m = /^\s*>\s*(\d+)/.exec(val))) r.s = Number(m[1]) + 1;
  else if ((m = /^\s*(\d+)/.exec(val))) { r.s = Number(m[1]); r.e = r.s; }
  else throw new SigLineError(`Unrecognized value: ${val}`);
  return r;
}

/** The flags keyword in iptables' spelling and order (URG ACK PSH RST SYN FIN, or NULL). */
export function sigFlags(sigFlagsText: string, requireAck: boolean): string {
  let flags = '';
  if (/U/.test(sigFlagsText)) flags += 'URG ';
  if (/A/.test(sigFlagsText) || requireAck) flags += 'ACK ';
  if (/P/.test(sigFlagsText)) flags += 'PSH ';
  if (/R/.test(sigFlagsText)) flags += 'RST ';
  if (/S/.test(sigFlagsText)) flags += 'SYN ';
  if (/F/.test(sigFlagsText)) flags += 'FIN ';
  if (/N/.test(sigFlagsText)) flags = 'NULL';
  return flags.replace(/\s*$/, '');
}

function opt(options: string, re: RegExp): string | undefined {
  const m = re.exec(options);
  return m ? m[1] : undefined;
}

/**
 * Parses the signatures file. A bad line is reported (file:line) and skipped;
 * with ENABLE_SNORT_SIG_STRICT=Y an unsupported rule option or a missing
 * psad_id is fatal, as in the reference.
 */
export function parseSignatures(lines: string[], file: string, ctx: SignatureContext, warn: Warn): SignatureSet {
  const list: Signature[] = [];
  const bySid = new Map<number, Signature>();
  const psadIds = new Set<number>();
  const sids = new Set<number>();
  let maxId = 1;
  for (let i = 0; i < lines.length; i++) {
    const lineNum = i + 1;
    const line = lines[i];
    if (!/\S/.test(line) || /^\s*#/.test(line)) continue;
    try {
      const hm = /^(.*?)\s+\((.*)\)/.exec(line);
      if (!hm) throw new SigLineError('bad signature');
      const hdr = /^\s*alert\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)/.exec(hm[1]);
      if (!hdr) throw new SigLineError('bad rule header');
      const options = hm[2];
      const proto = hdr[1].toLowerCase();
      if (proto !== 'tcp' && proto !== 'udp' && proto !== 'icmp' && proto !== 'ip') {
        throw new SigLineError(`unsupported protocol: ${proto}`);
      }
      const dir = hdr[4];
      const srcText = dir === '<-' ? hdr[5] : hdr[2];
      const dstText = dir === '<-' ? hdr[2] : hdr[5];
      const src = expandSigIps(srcText, ctx.vars);
      const dst = expandSigIps(dstText, ctx.vars);
      const sp = buildIntRange(hdr[3], 1, 65535, ctx.vars);
      const dp = buildIntRange(hdr[6], 1, 65535, ctx.vars);

      for (const o of UNSUPPORTED) {
        if (new RegExp(`[\\s;]${o}:\\s*.*?\\s*;`).test(options)) {
          const msg = `import_signatures(): Unsupported rule option: "${o}" at line: ${lineNum}`;
          if (ctx.strict) throw new PsadError(`${msg} (${file})`);
          throw new SigLineError(`Unsupported rule option: "${o}"`);
        }
      }
      const psadIdText = opt(options, /[\s;]psad_id:\s*(\d+)\s*;/);
      if (psadIdText === undefined) {
        if (ctx.strict) throw new PsadError(`import_signatures(): could not find signature "psad_id" on line: ${lineNum} (${file})`);
        throw new SigLineError('could not find signature "psad_id"');
      }
      const psadId = Number(psadIdText);
      if (psadIds.has(psadId)) throw new SigLineError(`Duplicate psad_id: ${psadId}`);
      if (sids.has(psadId)) throw new SigLineError(`Duplicate psad_id: ${psadId} to sid`);
      const sidText = opt(options, /[\s;]sid:\s*(\d+)\s*;/);
      let sid = psadId;
      let isPsadId = true;
      if (sidText !== undefined) {
        sid = Number(sidText);
        if (sids.has(sid)) throw new SigLineError(`Duplicate sid: ${sid}`);
        if (psadIds.has(sid) || sid === psadId) throw new SigLineError(`Duplicate sid: ${sid} to psad_id`);
        isPsadId = false;
      }
      const msg = opt(options, /msg:\s*"(.+?)"\s*;/);
      if (msg === undefined) throw new SigLineError('could not find "msg" keyword');
      const classtype = opt(options, /[\s;]classtype:\s*(.+?)\s*;/) ?? '';
      const references = new Map<string, string[]>();
      for (const rm of options.matchAll(/[\s;]reference:\s*(.*?)\s*;/g)) {
        const r = /^(\w+),(\S+)/.exec(rm[1]);
        if (r) {
          const t = r[1].toLowerCase();
          if (!references.has(t)) references.set(t, []);
          references.get(t)!.push(r[2]);
        }
      }
      let dl = 2;
      const dlText = opt(options, /[\s;]psad_dl:\s*(\d+)/);
      if (dlText !== undefined) dl = Number(dlText);
      else if (classtype && ctx.classDl.has(classtype)) dl = ctx.classDl.get(classtype)!;

      const sig: Signature = {
        sid, psadId, isPsadId, msg, proto, src, dst, sp, dp, classtype, references, dl,
        sameip: /[\s;]sameip;/.test(options), line: lineNum,
      };
      const derived = opt(options, /[\s;]psad_derived_sids:\s*(.+?)\s*;/);
      if (derived !== undefined) sig.derivedSids = derived.split(/\s*,\s*/);
      const rng = (re: RegExp, min: number, max: number) => {
        const v = opt(options, re);
        return v === undefined ? undefined : buildIntRange(v, min, max, ctx.vars);
      };
      sig.psadDsize = rng(/[\s;]psad_dsize:\s*(.+?)\s*;/i, 1, 1514);
      sig.psadIpLen = rng(/[\s;]psad_ip_len:\s*(.+?)\s*;/i, 1, 65536);
      sig.dsize = rng(/[\s;]dsize:\s*(.+?)\s*;/i, 1, 1514);
      sig.ttl = rng(/[\s;]ttl:\s*(.+?)\s*;/i, 1, 255);
      sig.id = rng(/[\s;]id:\s*(.+?)\s*;/i, 1, 65535);
      const ipopts = opt(options, /[\s;]ipopts:\s*(.+?)\s*;/i);
      if (ipopts !== undefined) sig.ipopts = ipopts.toLowerCase();
      if (proto === 'tcp') {
        const requireAck = /[\s;]flow:\s*established\s*;/i.test(options);
        const f = opt(options, /[\s;]flags:\s*(.+?)\s*;/);
        if (f !== undefined) sig.flags = sigFlags(f, requireAck);
        sig.seq = rng(/[\s;]seq:\s*(.+?)\s*;/i, 1, 4294967296);
        sig.ack = rng(/[\s;]ack:\s*(.+?)\s*;/i, 1, 4294967296);
        sig.window = rng(/[\s;]window:\s*(.+?)\s*;/i, 1, 65535);
      } else if (proto === 'icmp') {
        sig.itype = rng(/[\s;]itype:\s*(.+?)\s*;/i, 1, 255);
        sig.icode = rng(/[\s;]icode:\s*(.+?)\s*;/i, 1, 255);
        sig.icmpSeq = rng(/[\s;]icmp_seq:\s*(.+?)\s*;/i, 1, 255);
        // the reference passes the wrong arguments here, so the default
        // bounds are non-numeric strings that compare as 0
        sig.icmpId = rng(/[\s;]icmp_id:\s*(.+?)\s*;/i, 0, 0);
      } else if (proto === 'ip') {
        sig.ipProto = rng(/[\s;]ip_proto:\s*(.+?)\s*;/i, 1, 255);
      }
      psadIds.add(psadId);
      if (!isPsadId) sids.add(sid);
      if (psadId > maxId) maxId = psadId;
      if (!isPsadId && sid > maxId) maxId = sid;
      list.push(sig);
      bySid.set(sid, sig);
    } catch (e) {
      if (e instanceof SigLineError) {
        warn(`${file}:${lineNum}: signature skipped: ${e.message}`);
        continue;
      }
      throw e;
    }
  }
  return { list, bySid, maxId };
}
