import * as assert from 'node:assert/strict';
import { logLine, progressText, statusText } from '../../src/train/trainStatus';

describe('training status words', () => {
  it('says idle, training and ready, with bits per character when known', () => {
    assert.equal(statusText({ kind: 'idle' }), '$(circuit-board) Cellscope');
    assert.equal(statusText({ kind: 'training', bpc: null }), '$(sync~spin) Cellscope training');
    assert.equal(statusText({ kind: 'training', bpc: 1.8349 }), '$(sync~spin) Cellscope training 1.83 bpc');
    assert.equal(statusText({ kind: 'ready', bpc: 2.1 }), '$(check) Cellscope 2.10 bpc');
  });

  it('shows held-out bpc, speed and time left in the progress line', () => {
    assert.equal(progressText(1.8412, 2345.6, 250.4), 'held-out 1.84 bpc · 2,346 chars/s · 4:10 left');
    assert.equal(progressText(null, 900, 59.6), 'held-out bpc not measured yet · 900 chars/s · 1:00 left');
  });

  it('logs the corpus, a resumed step and the samples', () => {
    const read = { type: 'didReadCorpus', id: 1, summary: '12 files', skipped: { binary: 0, tooLarge: 0, generated: 0, secret: 0, unreadable: 0, invalidUtf8: 0, secretsMasked: 0 }, trainChars: 123456, adjusted: null } as const;
    assert.equal(logLine({ ...read, resumedAtStep: 40 }), '12 files; 123,456 training characters; resuming at step 40');
    assert.equal(logLine({ ...read, resumedAtStep: null }), '12 files; 123,456 training characters');
    assert.equal(logLine({ type: 'didSample', id: 1, step: 7, text: 'int x;' }), 'sample at step 7:\nint x;');
  });
});
