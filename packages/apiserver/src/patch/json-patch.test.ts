import { describe, expect, it } from 'vitest';
import { applyJsonPatch } from './json-patch.js';

describe('applyJsonPatch (RFC 6902)', () => {
  const doc = { a: { b: [1, 2, 3], 'c/d': 'x', 'e~f': 'y' }, s: 'v' };

  it.each([
    {
      name: 'add member',
      patch: [{ op: 'add', path: '/a/n', value: 1 }],
      want: { ...doc, a: { ...doc.a, n: 1 } },
    },
    {
      name: 'add to array middle',
      patch: [{ op: 'add', path: '/a/b/1', value: 9 }],
      want: { ...doc, a: { ...doc.a, b: [1, 9, 2, 3] } },
    },
    {
      name: 'append with -',
      patch: [{ op: 'add', path: '/a/b/-', value: 4 }],
      want: { ...doc, a: { ...doc.a, b: [1, 2, 3, 4] } },
    },
    {
      name: 'remove array element',
      patch: [{ op: 'remove', path: '/a/b/0' }],
      want: { ...doc, a: { ...doc.a, b: [2, 3] } },
    },
    {
      name: 'replace escaped keys',
      patch: [
        { op: 'replace', path: '/a/c~1d', value: 'z' },
        { op: 'replace', path: '/a/e~0f', value: 'w' },
      ],
      want: { ...doc, a: { ...doc.a, 'c/d': 'z', 'e~f': 'w' } },
    },
    { name: 'move', patch: [{ op: 'move', from: '/s', path: '/t' }], want: { a: doc.a, t: 'v' } },
    { name: 'copy', patch: [{ op: 'copy', from: '/a/b', path: '/c' }], want: { ...doc, c: [1, 2, 3] } },
    { name: 'test passes', patch: [{ op: 'test', path: '/a/b', value: [1, 2, 3] }], want: doc },
    { name: 'replace the root', patch: [{ op: 'replace', path: '', value: { x: 1 } }], want: { x: 1 } },
  ])('$name', ({ patch, want }) => {
    const before = JSON.stringify(doc);
    expect(applyJsonPatch(doc, patch)).toEqual(want);
    expect(JSON.stringify(doc)).toBe(before);
  });

  it.each([
    { name: 'not an array', patch: {}, reason: 'BadRequest' },
    { name: 'op without path', patch: [{ op: 'add' }], reason: 'BadRequest' },
    { name: 'unknown op', patch: [{ op: 'frob', path: '/a' }], reason: 'BadRequest' },
    { name: 'add without value', patch: [{ op: 'add', path: '/a' }], reason: 'BadRequest' },
    { name: 'pointer without slash', patch: [{ op: 'remove', path: 'a' }], reason: 'BadRequest' },
    { name: 'missing path', patch: [{ op: 'remove', path: '/nope' }], reason: 'Invalid' },
    { name: 'index out of range', patch: [{ op: 'replace', path: '/a/b/3', value: 0 }], reason: 'Invalid' },
    { name: 'bad index', patch: [{ op: 'add', path: '/a/b/01', value: 0 }], reason: 'Invalid' },
    { name: 'failed test', patch: [{ op: 'test', path: '/s', value: 'w' }], reason: 'Invalid' },
    { name: 'move into itself', patch: [{ op: 'move', from: '/a', path: '/a/b/x' }], reason: 'Invalid' },
    { name: 'add under a scalar', patch: [{ op: 'add', path: '/s/x', value: 1 }], reason: 'Invalid' },
  ])('rejects $name with $reason', ({ patch, reason }) => {
    expect(() => applyJsonPatch(doc, patch)).toThrow(expect.objectContaining({ reason }));
  });
});
