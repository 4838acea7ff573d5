/** A Snort rule as fwsnort logs it (SID in the log prefix), kept for display. */
export interface FwsnortSig {
  sid: number;
  msg?: string;
  proto?: string;
  classtype: string;
  metadata: string[];
  priority?: number;
  content: string[];
  references: Map<string, string[]>;
}

export function convertSnortPriority(p: number): number {
  if (p === 1) return 5;
  if (p === 2) return 4;
  if (p === 3) return 3;
  if (p === 4) return 2;
  return 1;
}

/** `*.rules` lines starting with `alert` that carry `sid:N;`. */
export function parseSnortRules(lines: string[], into: Map<number, FwsnortSig>): void {
  for (const line of lines) {
    if (!/^\s*alert/.test(line)) continue;
    const sm = /[\s;]sid:\s*(\d+)\s*;/.exec(line);
    if (!sm) continue;
    const sid = Number(sm[1]);
    let s = into.get(sid);
    if (!s) { s = { sid, classtype: '', metadata: [], content: [], references: new Map() }; into.set(sid, s); }
    const msg = /msg:\s*"(.*?)"\s*;/.exec(line);
    if (msg) s.msg = msg[1];
    const proto = /^\s*alert\s+(\w+)/.exec(line);
    if (proto) s.proto = proto[1].toLowerCase();
    const ct = /[\s;]classtype:\s*(.*?)\s*;/.exec(line);
    s.classtype = ct ? ct[1] : '';
    const md = /[\s;]metadata:\s*(.*?)\s*;/.exec(line);
    s.metadata = md ? md[1].split(/\s*,\s*/) : [];
    const pr = /[\s;]priority:\s*(\d+)\s*;/.exec(line);
    if (pr) s.priority = convertSnortPriority(Number(pr[1]));
    for (const c of line.matchAll(/[\s;](?:uri)?content:\s*"(.*?)"\s*;/g)) s.content.push(c[1]);
    for (const r of line.matchAll(/[\s;]reference:\s*(.*?)\s*;/g)) {
      const rr = /^(\w+),(\S+)/.exec(r[1]);
      if (rr) {
        const t = rr[1].toLowerCase();
        if (!s.references.has(t)) s.references.set(t, []);
        s.references.get(t)!.push(rr[2]);
      }
    }
  }
}

/** classification.config: the priority is the last digit of the line (as the reference reads it). */
export function parseClassification(lines: string[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of lines) {
    const m = /config\s+classification:\s+(\S+),.*(\d+)/.exec(line);
    if (m) out.set(m[1], convertSnortPriority(Number(m[2])));
  }
  return out;
}

/** reference.config: `config reference: type URL`. */
export function parseReferenceConfig(lines: string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of lines) {
    const m = /^\s*config\s+reference:\s+(\w+)\s+(\S+)/.exec(line);
    if (m) out.set(m[1].toLowerCase(), m[2]);
  }
  return out;
}
