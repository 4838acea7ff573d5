/**
 * Compares a psad -A/-S report with the reference's, allowing only what the
 * reference leaves to Perl's hash order:
 * - top signature and top port lists: equal-count items may come in any
 *   order, and where the list is cut at N, pick different items among the
 *   ties at the cut (every listed item must then carry the cut count);
 * - prefix counters, destinations of a source, p0f guesses, and signature
 *   and invalid-ICMP entries of a destination: any order.
 * Everything else must be equal line by line.
 */

interface TopItem {
  key: string;
  count: number;
  line: string;
}

function topItems(lines: string[], re: RegExp): TopItem[] {
  return lines.map((line) => {
    const m = re.exec(line);
    if (!m) return { key: line, count: -1, line };
    return { key: m[1], count: Number(m[2]), line };
  });
}

function compareTop(name: string, ours: string[], exp: string[], re: RegExp, diffs: string[], checkOrder: boolean): void {
  if (ours.length !== exp.length) {
    diffs.push(`${name}: ${ours.length} lines, expected ${exp.length}\n  ours: ${ours.join('\n        ')}\n  exp:  ${exp.join('\n        ')}`);
    return;
  }
  const o = topItems(ours, re);
  const e = topItems(exp, re);
  const oc = o.map((x) => x.count).sort((a, b) => b - a).join(',');
  const ec = e.map((x) => x.count).sort((a, b) => b - a).join(',');
  if (oc !== ec) diffs.push(`${name}: counts ${oc} != expected ${ec}`);
  const minCount = Math.min(...e.map((x) => x.count));
  const expByKey = new Map(e.map((x) => [x.key, x]));
  for (const item of o) {
    const ex = expByKey.get(item.key);
    if (ex) {
      if (ex.line !== item.line) diffs.push(`${name}: "${item.line}" != expected "${ex.line}"`);
    } else if (item.count !== minCount) {
      diffs.push(`${name}: "${item.line}" is not in the expected list and not a tie at the cut (${minCount})`);
    }
  }
  // our own order must be by count, then by key ascending (deterministic rule)
  for (let i = 1; checkOrder && i < o.length; i++) {
    const a = o[i - 1];
    const b = o[i];
    if (a.count < b.count || (a.count === b.count && Number(a.key) > Number(b.key))) {
      diffs.push(`${name}: our order is not count-descending, key-ascending at "${b.line}"`);
    }
  }
}

/** Splits a report into named sections of lines. */
function sections(text: string): Map<string, string[]> {
  const lines = text.split('\n');
  const out = new Map<string, string[]>();
  let name = 'head';
  let n = 0;
  const start = (s: string) => {
    name = `${s}#${n++}`;
    out.set(name, []);
  };
  out.set(name, []);
  for (const l of lines) {
    if (/^\[\+\] Top .*signature matches:$/.test(l)) { start('sigs'); out.get(name)!.push(l); continue; }
    if (/^\[\+\] Top .*attackers:$/.test(l)) { start('attackers'); out.get(name)!.push(l); continue; }
    if (/^\[\+\] Top .*scanned ports:$/.test(l)) { start('ports'); out.get(name)!.push(l); continue; }
    if (l === '[+] iptables log prefix counters:') { start('prefix'); out.get(name)!.push(l); continue; }
    if (l === '    Total protocol packet counters:') { start('protocols'); out.get(name)!.push(l); continue; }
    if (l === '[+] IP Status Detail:') { start('detail'); out.get(name)!.push(l); continue; }
    if (/^    Total scan sources:/.test(l)) start('tail');
    out.get(name)!.push(l);
  }
  return out;
}

function normalizeDetail(lines: string[]): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < lines.length) {
    if (!lines[i].startsWith('SRC:')) {
      out.push(lines[i]);
      i++;
      continue;
    }
    out.push(lines[i++]);
    const head: string[] = [];
    while (i < lines.length && !lines[i].startsWith('    DST:') && !lines[i].startsWith('SRC:') && !(lines[i] === '' && lines[i + 1]?.startsWith('SRC:'))) {
      head.push(lines[i++]);
    }
    if (head[0] === '    Source OS fingerprint(s):') {
      const oses = head.filter((h) => h.startsWith('        ')).sort();
      out.push(head[0], ...oses, ...head.filter((h, k) => k > 0 && !h.startsWith('        ')));
    } else out.push(...head);
    const dsts: string[] = [];
    while (i < lines.length && lines[i].startsWith('    DST:')) {
      const d = [lines[i++]];
      const fixed: string[] = [];
      const units: string[] = [];
      while (i < lines.length && lines[i].startsWith('        ')) {
        if (lines[i].startsWith('        Signature match:')) {
          units.push(`${lines[i]}\n${lines[i + 1]}`);
          i += 2;
        } else if (lines[i].startsWith('        Invalid')) units.push(lines[i++]);
        else fixed.push(lines[i++]);
      }
      dsts.push([...d, ...fixed.sort(), ...units.sort()].join('\n'));
    }
    out.push(...dsts.sort());
  }
  return out;
}

export function compareReports(ours: string, expected: string, statusIpThreshold = 25, checkOurOrder = true): string[] {
  const diffs: string[] = [];
  const so = sections(ours);
  const se = sections(expected);
  const ok = [...so.keys()].join(' ');
  const ek = [...se.keys()].join(' ');
  if (ok !== ek) return [`report structure differs: ${ok} != ${ek}`];
  for (const [name, o] of so) {
    const e = se.get(name)!;
    const kind = name.replace(/#\d+$/, '');
    if (kind === 'sigs') {
      const items = (x: string[]) => x.filter((l) => l.startsWith('      "'));
      const key = (l: string) => l.replace(/^.*Count: (\d+),.*Sid: (\d+)$/, '$2 $1');
      // compare whole lines for the items both lists have
      const eLines = new Map(items(e).map((l) => [key(l).split(' ')[0], l]));
      for (const l of items(o)) {
        const ex = eLines.get(key(l).split(' ')[0]);
        if (ex !== undefined && ex !== l) diffs.push(`top signatures: "${l}" != expected "${ex}"`);
      }
      compareTop('top signatures', items(o).map(key), items(e).map(key), /^(\d+) (\d+)$/, diffs, checkOurOrder);
      const rest = (x: string[]) => x.filter((l) => !l.startsWith('      "')).join('\n');
      if (rest(o) !== rest(e)) diffs.push(`top signatures section: ${rest(o)} != ${rest(e)}`);
    } else if (kind === 'ports') {
      const group = (x: string[], p: string) => x.filter((l) => l.startsWith(`      ${p} `));
      for (const p of ['tcp', 'udp']) {
        compareTop(`top ${p} ports`, group(o, p).map((l) => l.replace(/^\s+\S+\s+(\d+)\s+(\d+) packets$/, '$1 $2')),
          group(e, p).map((l) => l.replace(/^\s+\S+\s+(\d+)\s+(\d+) packets$/, '$1 $2')), /^(\d+) (\d+)$/, diffs, checkOurOrder);
      }
      const rest = (x: string[]) => x.filter((l) => !/^      (tcp|udp) /.test(l)).join('\n');
      if (rest(o) !== rest(e)) diffs.push(`top ports section: ${rest(o)} != ${rest(e)}`);
    } else if (kind === 'attackers') {
      const oo = o.join('\n');
      const ee = e.join('\n');
      if (oo !== ee) {
        // the reference prints one line less than STATUS_IP_THRESHOLD (Q12)
        const ei = e.filter((l) => l.startsWith('      '));
        const oi = o.filter((l) => l.startsWith('      '));
        const fixed = ei.length === statusIpThreshold - 1 && oi.length === statusIpThreshold
          && oi.slice(0, -1).join('\n') === ei.join('\n');
        if (!fixed) diffs.push(`top attackers differ:\n${oo}\n--- expected ---\n${ee}`);
      }
    } else if (kind === 'prefix') {
      if ([...o].sort().join('\n') !== [...e].sort().join('\n')) diffs.push(`prefix counters differ:\n${o.join('\n')}\n--- expected ---\n${e.join('\n')}`);
    } else if (kind === 'detail') {
      const no = normalizeDetail(o);
      const ne = normalizeDetail(e);
      if (no.join('\n') !== ne.join('\n')) {
        for (let k = 0; k < Math.max(no.length, ne.length); k++) {
          if (no[k] !== ne[k]) {
            diffs.push(`IP status detail differs at entry ${k}:\n  ours: ${no[k]}\n  exp:  ${ne[k]}`);
            break;
          }
        }
      }
    } else if (o.join('\n') !== e.join('\n')) {
      const first = o.findIndex((l, k) => l !== e[k]);
      diffs.push(`${kind} differs at line ${first}:\n  ours: ${o[first]}\n  exp:  ${e[first]}`);
    }
  }
  return diffs;
}
