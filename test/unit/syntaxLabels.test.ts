// Syntax labels with web-tree-sitter: exact labels on small snippets (nested ifs, block and
// line comments, strings, astral characters), the lectures' __dequeue_signal, and every
// language's grammar and query loading and labelling an if, a comment and a string.

import * as assert from 'node:assert/strict';
import { GRAMMARS, type SyntaxLanguage } from '../../src/inspect/languages';
import type { CharacterLabels } from '../../src/inspect/labels';
import { SyntaxLabeler } from '../../src/inspect/syntaxLabels';
import { SOURCE_ASSETS } from './sourceAssets';

const digits = (a: ArrayLike<number>) => Array.from(a, (x) => String(Math.min(9, x))).join('');

describe('syntax labels', function () {
  this.timeout(20_000);
  let labeler: SyntaxLabeler;
  before(async () => (labeler = await SyntaxLabeler.create(SOURCE_ASSETS)));

  it('labels ifs, comments, strings, depth and column exactly', async () => {
    const text = 'int f() {\n\tif (a) { g("x"); } // c\n}\n';
    const l = await labeler.labelCharacters(text, 'c');
    //                         'int f() {¶→if (a) { g("x"); } // c¶}¶' (¶ newline, → tab)
    assert.equal(digits(l.inIf), '0000000000011111111111111111100000000');
    assert.equal(digits(l.inComment), '0000000000000000000000000000001111000');
    assert.equal(digits(l.inString), '0000000000000000000000111000000000000');
    assert.equal(digits(l.depth), '0000000011111111112222222222211111110');
    assert.deepEqual([...l.column], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, ...Array.from({ length: 25 }, (_, i) => i), 0, 1]);
  });

  it('names the syntax kind a selection is an instance of, and marks every instance of it', async () => {
    const text = '/* a 😀 */\nint f() {\n\tif (a) { g(b); } /* c */\n\tif (b > 1) return;\n}\n';
    const inside = text.indexOf(' a 😀 ');
    const comment = (await labeler.selectionKind(text, 'c', inside, inside + 5))!;
    assert.equal(comment.kind, 'comment', 'a token is one kind wherever it is: the one inside f counts too');
    assert.equal(comment.instances, 2);
    //                               '/* a 😀 */¶int f() {¶→if (a) { g(b); } /* c */¶→if (b > 1) return;¶}¶' (😀: one code point)
    assert.equal(digits(comment.mask), '11111111100000000000000000000000000000111111100000000000000000000000');
    const condition = (await labeler.selectionKind(text, 'c', text.indexOf('(b > 1)'), text.indexOf('(b > 1)') + 7))!;
    assert.equal(condition.kind, 'parenthesized_expression in if_statement', 'an if’s condition, not the call’s arguments');
    assert.equal(condition.instances, 2);
    assert.equal(await labeler.selectionKind(text, 'c', text.indexOf('f() {'), text.indexOf('f() {') + 8), undefined, 'a sliver of a larger node (the function) is no kind');
  });

  it('nests ifs and tells block from line comments, counting code points', async () => {
    const text = 'if (a) {\n if (b) { /* 😀 */ }\n}';
    const l = await labeler.labelCharacters(text, 'c');
    assert.equal(l.inIf.length, [...text].length);
    //                         'if (a) {¶ if (b) { /* 😀 */ }¶}'
    assert.equal(digits(l.depth), '000000011111111112222222222211');
    assert.equal(digits(l.inComment), '000000000000000000011111110000');
    assert.equal(digits(l.inIf), '1'.repeat(30));
  });

  it('labels the lectures\' __dequeue_signal', async () => {
    const text = [
      'static int __dequeue_signal(struct sigpending *pending, sigset_t *mask,',
      '\tsiginfo_t *info)',
      '{',
      '\tint sig = next_signal(pending, mask);',
      '\tif (sig) {',
      '\t\tif (current->notifier) {',
      '\t\t\tif (sigismember(current->notifier_mask, sig)) {',
      '\t\t\t\tif (!(current->notifier)(current->notifier_data)) {',
      '\t\t\t\t\tclear_thread_flag(TIF_SIGPENDING);',
      '\t\t\t\t\treturn 0;',
      '\t\t\t\t}',
      '\t\t\t}',
      '\t\t}',
      '\t\tcollect_signal(sig, pending, info);',
      '\t}',
      '\treturn sig;',
      '}',
    ].join('\n');
    const l = await labeler.labelCharacters(text, 'c');
    const at = (s: string) => [...text.slice(0, text.indexOf(s))].length;
    assert.deepEqual([l.depth[at('return 0')], l.inIf[at('return 0')], l.column[at('return 0')]], [5, 1, 5]);
    assert.deepEqual([l.depth[at('collect_signal')], l.inIf[at('collect_signal')]], [2, 1]);
    assert.deepEqual([l.depth[at('return sig')], l.inIf[at('return sig')], l.inIf[at('int sig')]], [1, 0, 0]);
    assert.equal(l.depth[at('static')], 0);
  });

  const SNIPPETS: Record<SyntaxLanguage, string> = {
    c: 'void f() { if (x) { y = "s"; } } // c',
    cpp: 'void f() { if (x) { y = "s"; } } // c',
    javascript: 'function f() { if (x) { y = "s"; } } // c',
    typescript: 'function f(): void { if (x) { y = "s"; } } // c',
    tsx: 'function f() { if (x) { y = <a>{"s"}</a>; } } // c',
    python: 'def f():\n    if x:\n        y = "s"\n# c',
    go: 'func f() { if x { y = "s" } } // c',
    rust: 'fn f() { if x { y = "s"; } } // c',
    java: 'class A { void f() { if (x) { y = "s"; } } } // c',
  };
  for (const language of Object.keys(GRAMMARS) as SyntaxLanguage[]) {
    it(`loads the ${language} grammar and query`, async () => {
      const text = SNIPPETS[language];
      const l: CharacterLabels = await labeler.labelCharacters(text, language);
      const cp = (s: string) => [...text.slice(0, text.indexOf(s))].length;
      assert.deepEqual([l.inIf[cp('y =')], l.inIf[cp(language === 'python' ? 'def' : 'f(')]], [1, 0], 'if');
      assert.deepEqual([l.inString[cp('"s"') + 1], l.inString[cp('y =')]], [1, 0], 'string');
      assert.equal(l.inComment[[...text].length - 1], 1, 'comment');
      assert.ok(l.depth[cp('y =')] > l.depth[0], 'depth');
    });
  }
});
