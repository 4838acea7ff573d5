import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { ROOT, tmpDir } from '../helpers/paths';
import { loadConfig } from '../../src/config/config';
import { loadDataTables, engineOptions, engineData, parserOptions, RuntimeFlags } from '../../src/pipeline/runtime';
import { Engine } from '../../src/engine/engine';
import { Batch } from '../../src/engine/state';
import { Packet } from '../../src/ingest/packet';
import { parseLine, newParserState, PKT_SUCCESS } from '../../src/ingest/parse';
import { CaseFile, ENGINE_CASES, engineCaseFiles, fullV6, logLines } from '../helpers/engine-case';

/**
 * Engine cases (test/engine-cases/*.json): the detection engine driven in
 * process, without bin/psad: log lines, the time of each batch and the
 * settings in; danger levels, signature matches, OS guesses and what the
 * batch says about the scan (flag strings, Masscan/Topera/Mirai marks,
 * protocol count, port sweep) out. A case:
 *
 *   { "about": "...", "mode": "analysis" | "daemon", "settings": {"VAR": "value"},
 *     "flags": {"noSignatures": true}, "autoDl": ["line"], "signatures": ["line"], "snortRuleDl": ["sid dl"],
 *     "batches": [{ "now": 0, "packets": ["tcp 10.0.0.1 > 10.0.0.2 dpt=1-20 SYN"], "expire": true }],
 *     "expect": { "10.0.0.1": { "dl": 2, "sigs": [1985], "os": ["..."], "posf": "...", "dsts": 1, "pkts": 20,
 *                 "scan": {"10.0.0.2": ["SYN"]} }, "10.0.0.9": null } }
 *
 * A packet is "PROTO SRC > DST [key=value...] [TCP flag words]": ranges a-b in
 * a value give one line per number; keys are the LOG line's fields in lower
 * case (dpt, spt, ttl, id, len, window, type, code, seq, opt (TCP options),
 * ipopt (IP options), extopts=N (N empty IPv6 option groups), in, out, prefix,
 * x=N (repeat N times)); a destination a.b.c.1-20 stands for 20. Expectations
 * are those of psad 2.4.6 (its detection spec, checked against the
 * reference); "dl": null means the source has no danger level.
 */

function runCase(c: CaseFile): Engine & { batches: Batch[] } {
  const dir = tmpDir('engine-case');
  const extra: string[] = [`PSAD_CONF_DIR ${path.join(ROOT, 'etc')};`, `INSTALL_ROOT ${dir};`];
  for (const [k, v] of Object.entries(c.settings ?? {})) extra.push(`${k} ${v};`);
  const file = (name: string, lines: string[] | undefined, varName: string) => {
    if (!lines) return;
    fs.writeFileSync(path.join(dir, name), `${lines.join('\n')}\n`);
    extra.push(`${varName} ${path.join(dir, name)};`);
  };
  file('auto_dl', c.autoDl, 'AUTO_DL_FILE');
  file('signatures', c.signatures, 'SIGS_FILE');
  file('snort_rule_dl', c.snortRuleDl, 'SNORT_RULE_DL_FILE');
  fs.writeFileSync(path.join(dir, 'o.conf'), `${extra.join('\n')}\n`);
  const cfg = loadConfig({ configFile: path.join(ROOT, 'etc', 'psad.conf'), overrideFiles: [path.join(dir, 'o.conf')] });
  const analysis = (c.mode ?? 'analysis') === 'analysis';
  const flags: RuntimeFlags = {
    analysisMode: analysis, noSignatures: false, noSnortSids: false, noIcmpTypes: false, noIcmp6Types: false, noAutoDl: false,
    noPassiveOs: false, snortType: '', interfaceOnly: '', restrictIp: '', dshield: false, ...c.flags,
  };
  const warnings: string[] = [];
  const tables = loadDataTables(cfg, flags, (m) => warnings.push(m));
  if (flags.noIcmpTypes) tables.icmpTypes = new Map();
  if (flags.noIcmp6Types) tables.icmp6Types = new Map();
  const engine = new Engine(engineOptions(cfg, flags, []), engineData(tables)) as Engine & { batches: Batch[] };
  const popts = parserOptions(cfg, flags, tables, (m) => warnings.push(m));
  const pstate = newParserState();
  engine.batches = [];
  for (const b of c.batches) {
    const batch = new Batch();
    for (const spec of b.packets) {
      for (const line of logLines(spec)) {
        const pkt = new Packet();
        if (parseLine(line, true, pkt, popts, pstate) === PKT_SUCCESS) engine.processPacket(pkt, batch, b.now);
      }
    }
    engine.assignDangerLevels(batch);
    engine.batches.push(batch);
    if (b.expire) engine.expireScans(b.now, Number(cfg.get('SCAN_TIMEOUT')));
  }
  fs.rmSync(dir, { recursive: true, force: true });
  return engine;
}

/** What the last batch that saw the pair says about the scan. */
function scanOf(batches: Batch[], src: string, dst: string): string[] {
  for (let i = batches.length - 1; i >= 0; i--) {
    const bp = batches[i].scan.get(src)?.get(dst);
    if (!bp) continue;
    const out: string[] = [];
    for (const [proto, r] of bp.protos) {
      if (proto === 'tcp') for (const f of r.flags.keys()) out.push(f);
      else out.push(proto);
    }
    if (bp.isMasscan) out.push('masscan');
    if (bp.isTopera) out.push('topera');
    if (bp.isMirai) out.push('mirai');
    if (bp.totProtocols >= 5) out.push('protocol scan');
    return out;
  }
  return [];
}

const files = engineCaseFiles();
const DIR = ENGINE_CASES;

test('the engine cases cover the danger-level rules', () => {
  const all = files.map((f) => fs.readFileSync(path.join(DIR, f), 'utf8')).join('\n');
  for (const want of ['DANGER_LEVEL', 'UNIQUE_HOSTS', 'PORT_RANGE_SCAN_THRESHOLD', 'autoDl', 'psad_dl', 'SCAN_TIMEOUT', 'ENABLE_PERSISTENCE', 'snortRuleDl']) {
    assert.ok(all.includes(want), `no engine case uses ${want}`);
  }
});

for (const f of files) {
  const cases = JSON.parse(fs.readFileSync(path.join(DIR, f), 'utf8')) as CaseFile[];
  for (const [i, c] of cases.entries()) {
    test(`engine ${f.replace(/\.json$/, '')} #${i + 1}: ${c.about}`, () => {
      const e = runCase(c);
      for (const [ip, want] of Object.entries(c.expect)) {
        const key = [...e.sources.keys()].find((k) => fullV6(k).toLowerCase() === fullV6(ip).toLowerCase());
        const s = key === undefined ? undefined : e.sources.get(key);
        if (want === null) {
          // (an ignored packet may still count in the source's packet total, as in psad 2.4.6)
          assert.ok(!s || ((s.dl ?? 0) === 0 && s.pairs.size === 0), `${ip} should not be tracked (dl ${s?.dl}, ${s?.pairs.size} destinations)`);
          continue;
        }
        assert.ok(s, `${ip} is not tracked`);
        if ('dl' in want) assert.equal(s.dl || null, want.dl, `${ip}: danger level`);
        if (want.pkts !== undefined) assert.equal(s.packets, want.pkts, `${ip}: packets`);
        if (want.dsts !== undefined) assert.equal(s.pairs.size, want.dsts, `${ip}: destinations`);
        if (want.sigs) {
          const sids = new Set<number>();
          for (const pair of s.pairs.values()) for (const r of pair.protos.values()) for (const sid of r.sids?.keys() ?? []) sids.add(sid);
          for (const [sid, srcs] of e.sigSources) if (key !== undefined && srcs.has(key)) sids.add(sid);
          assert.deepEqual([...sids].sort((a, b) => a - b), [...want.sigs].sort((a, b) => a - b), `${ip}: signatures`);
        }
        if (want.os) assert.deepEqual([...(s.p0f ?? [])].sort(), [...want.os].sort(), `${ip}: p0f guesses`);
        if ('posf' in want) assert.equal(s.posf?.guess ?? null, want.posf, `${ip}: posf guess`);
        if (want.sweep !== undefined) assert.equal([...s.pairs.values()].some((p) => p.isPortSweep === 1), want.sweep, `${ip}: port sweep`);
        for (const [dst, kinds] of Object.entries(want.scan ?? {})) assert.deepEqual(scanOf(e.batches, key!, [...s.pairs.keys()].find((k) => fullV6(k).toLowerCase() === fullV6(dst).toLowerCase()) ?? dst), kinds, `${ip} -> ${dst}: scan`);
      }
    });
  }
}
