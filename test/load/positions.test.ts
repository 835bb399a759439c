import { describe, expect, it } from 'vitest';
import { parseText } from '../../compiler/1-load/parse-file.ts';
import { pathExists, rangeOfPath } from '../../compiler/1-load/positions.ts';

const TEXT = `apiVersion: herald/v1
kind: Journey
metadata: { name: cart }
spec:
  empty:
  steps:
    wait_1h: { wait: 1h, next: remind }
    remind:
      send: cart_reminder
  list: [1, { x: 2 }]
  alias: &a { y: 3 }
  again: *a
`;
const doc = parseText('j.yaml', '/j.yaml', TEXT).documents[0]!;

function show(path: Array<string | number>, key = false): string {
  const r = rangeOfPath(doc, path, { key });
  return `${r.start.line}:${r.start.column}-${r.end.line}:${r.end.column} ${JSON.stringify(TEXT.slice(r.start.offset, r.end.offset))}`;
}

describe('rangeOfPath', () => {
  it('points at a value, or with key: true at its key', () => {
    expect(show(['spec', 'steps', 'wait_1h', 'wait'])).toBe('7:22-7:24 "1h"');
    expect(show(['spec', 'steps', 'wait_1h', 'wait'], true)).toBe('7:16-7:20 "wait"');
  });

  it('ends a block value at its last character, not after the newline', () => {
    expect(show(['spec', 'steps', 'remind'])).toBe('9:7-9:26 "send: cart_reminder"');
  });

  it('goes through sequences by index (number or digit string)', () => {
    expect(show(['spec', 'list', 1, 'x'])).toBe('10:18-10:19 "2"');
    expect(show(['spec', 'list', '1', 'x'])).toBe('10:18-10:19 "2"');
  });

  it('a missing key points at the nearest existing parent by its key', () => {
    expect(show(['spec', 'steps', 'remind', 'next'])).toBe('8:5-8:11 "remind"');
    expect(show(['spec', 'list', 7])).toBe('10:3-10:7 "list"');
    expect(pathExists(doc, ['spec', 'steps', 'remind', 'next'])).toBe(false);
    expect(pathExists(doc, ['spec', 'steps', 'remind', 'send'])).toBe(true);
  });

  it('a missing top-level key, or the document by its key, points at the first line', () => {
    expect(show(['nope'])).toBe('1:1-1:11 "apiVersion"');
    expect(show([], true)).toBe('1:1-1:11 "apiVersion"');
  });

  it('an empty value points at its key', () => {
    expect(show(['spec', 'empty'])).toBe('5:3-5:8 "empty"');
  });

  it('follows aliases for what lies below them, and points at the alias itself', () => {
    expect(show(['spec', 'again'])).toBe('12:10-12:12 "*a"');
    expect(show(['spec', 'again', 'y'])).toBe('11:18-11:19 "3"');
  });
});
