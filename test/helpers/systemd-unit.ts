import * as fs from 'fs';
import * as path from 'path';
import { ROOT } from './paths';

export const UNIT_FILE = path.join(ROOT, 'init.d', 'psad.service');

/** A unit file: section -> key -> values (a key given twice keeps both). */
export type Unit = Map<string, Map<string, string[]>>;

export function parseUnit(text: string): Unit {
  const unit: Unit = new Map();
  let sec: Map<string, string[]> | null = null;
  let pending = '';
  for (const raw of text.split('\n')) {
    let line = pending + raw;
    pending = '';
    if (line.endsWith('\\')) {
      pending = `${line.slice(0, -1)} `;
      continue;
    }
    line = line.trim();
    if (!line || line.startsWith('#') || line.startsWith(';')) continue;
    const s = /^\[(.+)\]$/.exec(line);
    if (s) {
      sec = new Map();
      unit.set(s[1], sec);
      continue;
    }
    const i = line.indexOf('=');
    if (i < 0 || !sec) continue;
    const k = line.slice(0, i).trim();
    const v = line.slice(i + 1).trim();
    if (!sec.has(k)) sec.set(k, []);
    sec.get(k)!.push(v);
  }
  return unit;
}

export function readUnit(file = UNIT_FILE): Unit {
  return parseUnit(fs.readFileSync(file, 'utf8'));
}

/** The last value of a key ('' if absent). */
export function unitValue(u: Unit, section: string, key: string): string {
  const v = u.get(section)?.get(key);
  return v && v.length ? v[v.length - 1] : '';
}

/**
 * A command line as systemd splits it: words separated by blanks, single or
 * double quotes keep blanks, `$$` is a dollar sign, `$NAME` as a word of its
 * own becomes the variable's value split at blanks, `${NAME}` inside a word
 * its value.
 */
export function systemdWords(cmd: string, env: Record<string, string>): string[] {
  const out: string[] = [];
  let i = 0;
  const n = cmd.length;
  while (i < n) {
    while (i < n && /\s/.test(cmd[i])) i++;
    if (i >= n) break;
    let word = '';
    let quotedOrText = false;
    const start = i;
    while (i < n && !/\s/.test(cmd[i])) {
      const ch = cmd[i];
      if (ch === "'" || ch === '"') {
        const end = cmd.indexOf(ch, i + 1);
        word += cmd.slice(i + 1, end < 0 ? n : end);
        quotedOrText = true;
        i = end < 0 ? n : end + 1;
      } else {
        word += ch;
        i++;
      }
    }
    const bare = cmd.slice(start, i);
    const whole = /^\$([A-Za-z_][A-Za-z0-9_]*)$/.exec(bare);
    if (whole && !quotedOrText) {
      out.push(...(env[whole[1]] ?? '').split(/\s+/).filter((w) => w));
      continue;
    }
    word = word.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_m, v: string) => env[v] ?? '').replace(/\$\$/g, '$');
    out.push(word);
  }
  return out;
}
