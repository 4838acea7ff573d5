import { readDataFile } from './diagnostics';

/** snort_rule_dl: `SID DL` lines, DL 0..5 (others skipped). */
export function parseSnortRuleDl(lines: string[]): Map<number, number> {
  const out = new Map<number, number>();
  for (const line of lines) {
    if (!/^\s*\d/.test(line)) continue;
    const m = /^\s*(\d+)\s+(\d+)/.exec(line);
    if (!m) continue;
    const dl = Number(m[2]);
    if (dl >= 0 && dl < 6) out.set(Number(m[1]), dl);
  }
  return out;
}

export function loadSnortRuleDl(file: string): Map<number, number> {
  const fs = require('fs') as typeof import('fs');
  if (!fs.existsSync(file)) return new Map();
  return parseSnortRuleDl(readDataFile(file));
}
