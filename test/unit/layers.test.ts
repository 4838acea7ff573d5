import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { ROOT } from '../helpers/paths';

/**
 * The layers of src/ (README, Architecture): a file imports from its own
 * folder or from a folder of a lower layer, never up and never sideways, and
 * no files import each other in a circle. A new folder has to be given its
 * layer here.
 */
const LAYERS: string[][] = [
  ['text', 'net'],
  ['config'],
  ['data'],
  ['ingest'],
  ['engine'],
  ['alert', 'respond', 'report', 'fwcheck'],
  ['pipeline'],
  ['daemon'],
  ['cli'],
];
const RANK = new Map(LAYERS.flatMap((l, i) => l.map((f): [string, number] => [f, i])));
const SRC = path.join(ROOT, 'src');

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sources(p) : e.name.endsWith('.ts') ? [p] : [];
  });
}

/** file (relative to src, without .ts) -> the src files it imports */
export function importGraph(files: string[]): Map<string, string[]> {
  const g = new Map<string, string[]>();
  for (const f of files) {
    const text = fs.readFileSync(f, 'utf8');
    const targets: string[] = [];
    for (const m of text.matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|\brequire\s*\(\s*)'(\.{1,2}\/[^']+)'/g)) {
      targets.push(path.relative(SRC, path.resolve(path.dirname(f), m[1])).split(path.sep).join('/'));
    }
    g.set(path.relative(SRC, f).split(path.sep).join('/').replace(/\.ts$/, ''), targets);
  }
  return g;
}

/** Strongly connected components with more than one file (Tarjan). */
export function circles(g: Map<string, string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const out: string[][] = [];
  let n = 0;
  const visit = (v: string): void => {
    index.set(v, n);
    low.set(v, n++);
    stack.push(v);
    on.add(v);
    for (const w of g.get(v) ?? []) {
      if (!g.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const comp: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        comp.push(w);
      } while (w !== v);
      if (comp.length > 1) out.push(comp.sort());
    }
  };
  for (const v of [...g.keys()].sort()) if (!index.has(v)) visit(v);
  return out;
}

/** Imports that go up a layer or sideways, and folders without a layer. */
export function layerViolations(g: Map<string, string[]>): string[] {
  const bad: string[] = [];
  for (const [file, targets] of g) {
    const from = file.split('/')[0];
    if (!RANK.has(from)) bad.push(`src/${from}/ has no layer in test/unit/layers.test.ts`);
    for (const t of targets) {
      const to = t.split('/')[0];
      if (to === from) continue;
      if (!RANK.has(to)) bad.push(`src/${file}.ts imports ${t}, outside the layers`);
      else if (RANK.has(from) && RANK.get(to)! >= RANK.get(from)!) bad.push(`src/${file}.ts (${from}) imports src/${t}.ts (${to})`);
    }
  }
  return bad;
}

test('src/: every folder has a layer, and no import goes up or sideways', () => {
  const g = importGraph(sources(SRC));
  assert.ok(g.size > 80, `${g.size} files`);
  assert.deepEqual(layerViolations(g), []);
});

test('src/: no files import each other in a circle', () => {
  assert.deepEqual(circles(importGraph(sources(SRC))), []);
});

test('the checks can fail: an import up a layer, one sideways, a folder without a layer and a circle', () => {
  const g = new Map([
    ['engine/engine', ['alert/scan-logr', 'engine/state']],
    ['engine/state', ['engine/engine']],
    ['alert/mailer', ['respond/iptables']],
    ['extra/x', ['net/addr']],
  ]);
  assert.deepEqual(layerViolations(g), [
    'src/engine/engine.ts (engine) imports src/alert/scan-logr.ts (alert)',
    'src/alert/mailer.ts (alert) imports src/respond/iptables.ts (respond)',
    'src/extra/ has no layer in test/unit/layers.test.ts',
  ]);
  assert.deepEqual(circles(g), [['engine/engine', 'engine/state']]);
});
