import * as assert from 'node:assert/strict';
import { Arena } from '../../src/model/arena';
import { Trainer } from '../../src/train/trainer';
import { cellTypeConflict, describeModel, logLine, progressText, statusText, statusTooltip } from '../../src/train/trainStatus';

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

  it('describes the model: size, training, held-out figure, what it read, when it was saved', () => {
    const trainer = Trainer.fresh('int main(void) { return 0; }\n'.repeat(20), [], { cell: 'lstm', hidden: 8, layers: 2, batch: 2, steps: 8, lr: 1e-2, seed: 1 }, Arena.plain());
    trainer.step();
    const cp = trainer.checkpoint();
    Object.assign(cp.training, { seconds: 750, charsSeen: 1_234_567, trainedOn: '3 files, 580 training characters from /ws' });
    cp.training.history.push({ step: 1, seconds: 750, trainBpc: 3, heldoutBpc: 2.345 });
    const lines = describeModel(cp, Date.UTC(2026, 10, 30, 12), Date.UTC(2026, 10, 30, 15, 30));
    assert.deepEqual(lines, [
      `2 layers of 8 LSTM cells, ${(4 * 8 * (cp.config.vocab + 8) + 4 * 8 * 16 + 2 * 8 * 8 + cp.config.vocab * 9).toLocaleString('en')} parameters, ${cp.config.vocab - 1} characters`,
      'trained 13 min (step 1, 1,234,567 characters read) on 3 files, 580 training characters from /ws',
      'held-out 2.35 bits per character (lower is better; 8 is no better than chance)',
      'saved 3.5 h ago',
    ]);
    assert.match(statusTooltip({ kind: 'ready', bpc: 2.345, model: lines }), /Click for the log\.\n\nThe model: 2 layers of 8 LSTM cells, .*; saved 3\.5 h ago\.$/);
  });

  it('says when the setting names another cell type than the stored model has, with the right article', () => {
    assert.equal(cellTypeConflict(undefined, 'gru'), undefined, 'no model: nothing to choose between');
    assert.equal(cellTypeConflict('gru', 'gru'), undefined);
    assert.deepEqual(cellTypeConflict('lstm', 'gru'), {
      have: 'LSTM', want: 'GRU', conflict: "This workspace's model is an LSTM; the setting cellscope.training.cell asks for a GRU.", trainNew: 'Train a New GRU',
    });
    assert.equal(cellTypeConflict('gru', 'rnn')?.conflict, "This workspace's model is a GRU; the setting cellscope.training.cell asks for an RNN.");
  });
});
