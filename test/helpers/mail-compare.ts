import * as fs from 'fs';
import * as path from 'path';

/**
 * Alert mail bodies made comparable: the clock in the header/footer lines
 * becomes TIME; psad-node's "Current interval" lines (which psad 2.4.6
 * computes but no longer prints, Q17) are removed; and what psad 2.4.6
 * prints in Perl hash order is put in a fixed order: the values of a label
 * and its continuation lines (TCP flags, OS guesses, global stats rows),
 * runs of the same label (iptables chain lines), the signature blocks of a
 * section and the signature sections themselves.
 */
export function normalizeAlertBody(body: string, opts: { keepInterval?: boolean } = {}): string {
  let text = body.replace(/^(=-=-=-=-=-=-=-=-=-=-=-= ).*( =-=-=-=-=-=-=-=-=-=-=-=)$/gm, '$1TIME$2');
  if (!opts.keepInterval) text = text.replace(/^ {5}Current interval: .*\n {23}.* \(end\)\n\n/m, '');
  const lines = text.split('\n');
  const out: string[] = [];
  const label = (l: string) => (l.length > 23 && /^ *[A-Za-z][A-Za-z ]*: $/.test(l.slice(0, 23)) ? l.slice(0, 23) : null);
  const cont = (l: string) => l.length > 23 && l.startsWith(' '.repeat(23));
  // the signature part: from the first "[+] ... scan signatures:" to the whois block or the footer
  let sigStart = lines.findIndex((l) => /^\[\+\] \S+ scan signatures:$/.test(l));
  let sigEnd = lines.findIndex((l, i) => i > sigStart && (l.startsWith('[+] Whois Information') || l.startsWith('=-=-=')));
  if (sigStart < 0) sigStart = sigEnd = -1;
  for (let i = 0; i < lines.length; i++) {
    if (i === sigStart) {
      // sections of "[+] X scan signatures:" with blocks separated by blank lines
      const sections: string[] = [];
      let cur: string[] = [];
      for (let j = sigStart; j < sigEnd; j++) {
        if (/^\[\+\] \S+ scan signatures:$/.test(lines[j]) && cur.length) {
          sections.push(normSection(cur));
          cur = [];
        }
        cur.push(lines[j]);
      }
      if (cur.length) sections.push(normSection(cur));
      out.push(...sections.sort());
      i = sigEnd - 1;
      continue;
    }
    const l = lines[i];
    if (cont(l)) {
      // unlabelled rows (global stats)
      const rows = [l];
      while (i + 1 < lines.length && cont(lines[i + 1])) rows.push(lines[++i]);
      out.push(...rows.sort());
      continue;
    }
    const lab = label(l);
    if (lab !== null) {
      // this label's value and the unlabelled (23 spaces) or same-label lines after it
      const vals = [l.slice(23)];
      let j = i + 1;
      while (j < lines.length && (cont(lines[j]) || (lines[j].length > 23 && lines[j].slice(0, 23) === lab))) {
        vals.push(lines[j].slice(23));
        j++;
      }
      vals.sort();
      out.push(`${lab}${vals.join(' | ')}`);
      i = j - 1;
      continue;
    }
    out.push(l);
  }
  return out.join('\n');
}

function normSection(lines: string[]): string {
  const head = lines[0];
  const blocks: string[] = [];
  let cur: string[] = [];
  for (const l of lines.slice(1)) {
    if (l === '') {
      if (cur.length) blocks.push(cur.join('\n'));
      cur = [];
    } else cur.push(l);
  }
  if (cur.length) blocks.push(cur.join('\n'));
  return `${head}\n${blocks.map(sortInvalidIcmp).sort().join('\n\n')}`;
}

/** The invalid ICMP type and code entries of a block (psad lists them in hash order), one entry with its continuation line each, sorted. */
function sortInvalidIcmp(block: string): string {
  const lines = block.split('\n');
  if (!lines.every((l) => /^ {3}Invalid ICMP6? (type|code) /.test(l) || /^ {7}chain=/.test(l))) return block;
  const units: string[] = [];
  for (const l of lines) {
    if (/^ {7}chain=/.test(l) && units.length) units[units.length - 1] += `\n${l}`;
    else units.push(l);
  }
  return units.sort().join('\n');
}

/** A mail(1) stand-in that saves its arguments and standard input as NNN.args / NNN.body in `dir`. */
export function mailStandIn(dir: string, name = 'mail.sh'): string {
  fs.mkdirSync(path.join(dir, 'out'), { recursive: true });
  const f = path.join(dir, name);
  fs.writeFileSync(f, `#!/bin/sh
d='${path.join(dir, 'out')}'
n=$(mktemp "$d/XXXXXXXX")
for a in "$@"; do printf '%s\\n' "$a"; done > "$n.args"
cat > "$n.body"
rm -f "$n"
`, { mode: 0o755 });
  return f;
}

/** What a stand-in saved: argument lists and bodies (latin1), in no particular order. */
export function standInMails(dir: string, ext = '.body'): { args: string[]; body: string }[] {
  const d = path.join(dir, 'out');
  if (!fs.existsSync(d)) return [];
  return fs.readdirSync(d).filter((f) => f.endsWith('.args')).map((f) => ({
    args: fs.readFileSync(path.join(d, f), 'latin1').split('\n').slice(0, -1),
    body: fs.readFileSync(path.join(d, f.replace(/\.args$/, ext)), 'latin1'),
  }));
}
