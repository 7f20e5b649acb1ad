import { describe, expect, it } from 'vitest';
import { lex, type TokenKind } from './lexer.js';

// Kubernetes' TestLexer: the first token of each string, longest operator first.
describe('lex: single tokens', () => {
  it.each<{ input: string; kind: TokenKind }>([
    { input: '', kind: 'end' },
    { input: ',', kind: ',' },
    { input: 'notin', kind: 'notin' },
    { input: 'in', kind: 'in' },
    { input: '=', kind: '=' },
    { input: '==', kind: '==' },
    { input: '>', kind: '>' },
    { input: '<', kind: '<' },
    { input: '!', kind: '!' },
    { input: '!=', kind: '!=' },
    { input: '(', kind: '(' },
    { input: ')', kind: ')' },
    { input: '~', kind: 'identifier' },
    { input: '||', kind: 'identifier' },
  ])('$input is $kind', ({ input, kind }) => {
    const [first] = lex(input);
    expect(first?.kind).toBe(kind);
    expect(first?.literal).toBe(input);
  });
});

// Kubernetes' TestLexerSequence and TestParserLookahead.
describe('lex: sequences', () => {
  it.each<{ input: string; kinds: TokenKind[] }>([
    { input: 'key in ( value )', kinds: ['identifier', 'in', '(', 'identifier', ')'] },
    { input: 'key notin ( value )', kinds: ['identifier', 'notin', '(', 'identifier', ')'] },
    {
      input: 'key in ( value1, value2 )',
      kinds: ['identifier', 'in', '(', 'identifier', ',', 'identifier', ')'],
    },
    { input: 'key', kinds: ['identifier'] },
    { input: '!key', kinds: ['!', 'identifier'] },
    { input: '()', kinds: ['(', ')'] },
    { input: 'x in (),y', kinds: ['identifier', 'in', '(', ')', ',', 'identifier'] },
    { input: '== != (), = notin', kinds: ['==', '!=', '(', ')', ',', '=', 'notin'] },
    { input: 'key>2', kinds: ['identifier', '>', 'identifier'] },
    { input: 'key<1', kinds: ['identifier', '<', 'identifier'] },
    { input: '===', kinds: ['==', '='] },
    { input: '=!=', kinds: ['=', '!='] },
    { input: '!==', kinds: ['!=', '='] },
    { input: 'a\tb\r\nc', kinds: ['identifier', 'identifier', 'identifier'] },
    { input: 'a\u0000b', kinds: ['identifier', 'identifier'] },
    { input: 'a \u0000b', kinds: [] as TokenKind[] },
  ])('$input', ({ input, kinds }) => {
    const tokens = lex(input);
    expect(tokens.at(-1)?.kind).toBe('end');
    expect(tokens.slice(0, -1).map((t) => t.kind)).toEqual(kinds.length === 0 ? ['identifier'] : kinds);
  });

  it('records each token position', () => {
    expect(lex('  ab != (c)').map((t) => [t.kind, t.position])).toEqual([
      ['identifier', 2],
      ['!=', 5],
      ['(', 8],
      ['identifier', 9],
      [')', 10],
      ['end', 11],
    ]);
  });
});
