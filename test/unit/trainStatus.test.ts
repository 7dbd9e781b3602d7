import * as assert from 'node:assert/strict';
import { progressText, statusText } from '../../src/train/trainStatus';

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
});
