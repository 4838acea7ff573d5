import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { tmpDir } from '../helpers/paths';
import { LineSplitter } from '../../src/ingest/line-splitter';
import { startOffset, tailChange } from '../../src/ingest/rotation';
import { FileTail } from '../../src/ingest/file-tail';
import { countInOutLines, forEachLine, OneShotInput } from '../../src/ingest/line-reader';
import { CommandSource } from '../../src/ingest/command-source';
import { FifoSource } from '../../src/ingest/fifo-source';

function withDir(name: string, fn: (dir: string) => void | Promise<void>): Promise<void> {
  const dir = tmpDir(name);
  return Promise.resolve(fn(dir)).finally(() => fs.rmSync(dir, { recursive: true, force: true }));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, ok: () => boolean, ms = 10000): Promise<void> {
  for (const end = Date.now() + ms; !ok(); await sleep(20)) if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
}

/** The lines (latin1, without newline; '+' marks one without) of chunks through a splitter. */
function split(s: LineSplitter, chunks: (string | Buffer)[]): string[] {
  const out: string[] = [];
  for (const c of chunks) {
    s.push(typeof c === 'string' ? Buffer.from(c, 'latin1') : c, (buf, start, end) => {
      out.push(buf.toString('latin1', start, end) + (end === buf.length ? '+' : ''));
    });
  }
  return out;
}

test('LineSplitter: complete lines in order, the unfinished one carried; carried bytes survive the reuse of a read buffer', () => {
  const s = new LineSplitter();
  assert.deepEqual(split(s, ['a\nb', 'c\n\nd\xe9\xff\0']), ['a', 'bc', '']);
  assert.deepEqual(split(s, ['\r\n']), ['d\xe9\xff\0\r'], 'CR and NUL are bytes like others');
  const buf = Buffer.from('xyz');
  assert.deepEqual(split(s, [buf]), []);
  buf.fill(0x21);
  assert.deepEqual(split(s, ['\n']), ['xyz']);
  // no limit: a 5 MiB line in 1000-byte reads is one line
  const long = 'L'.repeat(5 << 20);
  const reads: string[] = [];
  for (let i = 0; i < long.length; i += 1000) reads.push(long.slice(i, i + 1000));
  const got = split(s, [...reads, '\n']);
  assert.equal(got.length, 1);
  assert.equal(got[0], long);
  assert.equal(s.finish(), null);
  split(s, ['tail']);
  assert.equal(s.finish()?.toString(), 'tail');
  assert.equal(s.carry.length, 0);
});

test('LineSplitter: a callback that returns false stops the splitting', () => {
  const s = new LineSplitter();
  const seen: string[] = [];
  const r = s.push(Buffer.from('1\n2\n3\n'), (b, st, e) => {
    seen.push(b.toString('latin1', st, e));
    return seen.length < 2;
  });
  assert.equal(r, false);
  assert.deepEqual(seen, ['1', '2']);
});

test('LineSplitter pass: an unfinished line longer than the limit goes on as a line; a finished one stays whole', () => {
  const s = new LineSplitter({ maxLine: 10, overLong: 'pass' });
  assert.deepEqual(split(s, ['0123456789ABCDEF\nok\n']), ['0123456789ABCDEF', 'ok'], 'ends in the chunk: whole');
  assert.deepEqual(split(s, ['012345', '6789']), [], 'not over the limit yet');
  assert.deepEqual(split(s, ['AB']), ['0123456789AB+'], 'over the limit after a chunk: passed on');
  assert.deepEqual(split(s, ['CD\n']), ['CD'], 'the rest is a line of its own');
});

test('rotation: where a file is opened and what became of it', () => {
  const st = (ino: number, size: number) => ({ ino, size }) as fs.Stats;
  assert.equal(startOffset('end', st(5, 100)), 100);
  assert.equal(startOffset({ inode: 5, offset: 40 }, st(5, 100)), 40, 'the same file: where it stopped');
  assert.equal(startOffset({ inode: 5, offset: 140 }, st(5, 100)), 0, 'truncated meanwhile: all of it');
  assert.equal(startOffset({ inode: 4, offset: 40 }, st(5, 100)), 0, 'another file: all of it');
  assert.equal(tailChange(5, 40, st(5, 100)), 'same');
  assert.equal(tailChange(5, 40, st(5, 10)), 'truncated');
  assert.equal(tailChange(5, 40, st(6, 100)), 'rotated');
  assert.equal(tailChange(5, 40, null), 'gone');
});

test('FileTail: truncation in place reads the new content from its start; lines read are counted', () =>
  withDir('tail-trunc', (dir) => {
    const f = path.join(dir, 'fwdata');
    fs.writeFileSync(f, 'old\n');
    const t = new FileTail(f, 'FW_DATA_FILE', () => undefined);
    t.open('end');
    const lines: string[] = [];
    fs.appendFileSync(f, 'a\nb\nunfini');
    t.read(lines);
    assert.deepEqual(lines, ['a', 'b']);
    fs.writeFileSync(f, 'c\n'); // truncated in place, shorter than what was read
    t.read(lines);
    assert.deepEqual(lines, ['a', 'b', 'c'], 'the unfinished line before the truncation is dropped');
    assert.equal(t.linesRead, 3);
    assert.deepEqual(t.position().offset, 2);
  }));

test('OneShotInput and forEachLine: every line, the last one without a newline marked; stopping early', () =>
  withDir('oneshot', (dir) => {
    const f = path.join(dir, 'log');
    fs.writeFileSync(f, 'IN= a OUT=\nplain\n\nIN=x OUT=y last');
    const fd = fs.openSync(f, 'r');
    try {
      const input = new OneShotInput(fd);
      const got: Buffer[] = [];
      while (input.state !== 'ended') input.read(got);
      assert.deepEqual(got.map((b) => b.toString()), ['IN= a OUT=\n', 'plain\n', '\n', 'IN=x OUT=y last']);
      assert.equal(input.linesRead, 4);
    } finally {
      fs.closeSync(fd);
    }
    const seen: [string, boolean][] = [];
    const fd2 = fs.openSync(f, 'r');
    forEachLine(fd2, (l, eol) => { seen.push([l, eol]); });
    fs.closeSync(fd2);
    assert.deepEqual(seen, [['IN= a OUT=', true], ['plain', true], ['', true], ['IN=x OUT=y last', false]]);
    const fd3 = fs.openSync(f, 'r');
    assert.deepEqual(countInOutLines(fd3, null, 1), { lines: 2, candidates: 1 }, 'stops after one more line');
    fs.closeSync(fd3);
  }));

test('CommandSource: the backlog is skipped, later lines are read, the command is restarted after it exits', () =>
  withDir('cmd', async (dir) => {
    const script = path.join(dir, 'cmd.sh');
    const runs = path.join(dir, 'runs');
    // the backlog, a pause that ends it, new lines, and a line cut off by the exit
    fs.writeFileSync(script, `#!/bin/sh\necho run >> ${runs}\necho old1; echo old2; sleep 1; echo new1; echo new2; printf cut; sleep 0.3\n`, { mode: 0o755 });
    const logs: string[] = [];
    const pids: number[] = [];
    let wakes = 0;
    const src = new CommandSource(() => ({ argv: [script], minLines: 0 }), {
      log: (m) => logs.push(m), problem: (m) => logs.push(`problem: ${m}`), wake: () => wakes++, started: (pid) => pids.push(pid),
    });
    src.start();
    assert.equal(src.state, 'running');
    const lines: string[] = [];
    src.read(lines);
    assert.deepEqual(lines, [], 'nothing during the backlog');
    await until('the restart', () => src.state === 'restarting');
    src.read(lines);
    assert.deepEqual(lines, ['new1', 'new2']);
    assert.equal(src.linesRead, 2);
    assert.ok(wakes >= 1);
    assert.deepEqual(logs, [`firewall logs read command '${script}' is not running, restarting`]);
    // the second run has written its mark (its pid is known before the script's first line has run)
    const marks = () => (fs.existsSync(runs) ? fs.readFileSync(runs, 'latin1') : '');
    await until('the second run', () => pids.length === 2 && src.state === 'running' && marks() === 'run\nrun\n');
    src.close();
    await sleep(1500);
    assert.equal(fs.readFileSync(runs, 'latin1'), 'run\nrun\n', 'not restarted after close');
  }));

test('FifoSource: lines as bytes with their newline, an over-long one dropped and said, the carry kept across a switch', { skip: spawnSync('mkfifo', ['--version']).error ? 'needs mkfifo' : false }, () =>
  withDir('fifo', async (dir) => {
    const a = path.join(dir, 'a');
    const b = path.join(dir, 'b');
    const logs: string[] = [];
    const got: string[] = [];
    const src: FifoSource = new FifoSource(a, {
      log: (m) => logs.push(m),
      wake: () => {
        const l: Buffer[] = [];
        src.read(l);
        got.push(...l.map((x) => x.toString('latin1')));
      },
    });
    src.open();
    assert.ok(fs.statSync(a).isFIFO(), 'created');
    const w = fs.openSync(a, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK);
    fs.writeSync(w, 'one\ntw');
    await until('the first line', () => got.length === 1);
    assert.deepEqual(got, ['one\n']);
    assert.equal(src.switchTo(b), true);
    fs.closeSync(w);
    const wb = fs.openSync(b, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK);
    const big = Buffer.alloc((4 << 20) + 10, 0x78);
    let off = 0;
    fs.writeSync(wb, 'o\n');
    while (off < big.length) {
      try {
        off += fs.writeSync(wb, big, off, Math.min(65536, big.length - off));
      } catch {
        await sleep(5);
      }
    }
    fs.writeSync(wb, '\nthree\n');
    await until('the third line', () => got.length === 3);
    assert.deepEqual(got, ['one\n', 'two\n', 'three\n']);
    assert.deepEqual(logs, [`dropped 1 line(s) longer than ${4 << 20} bytes read from ${b}`]);
    assert.equal(src.linesRead, 3);
    fs.writeSync(wb, 'unfinished');
    src.drain();
    assert.equal(src.carry.length, 'unfinished'.length);
    fs.closeSync(wb);
    src.close();
  }));
