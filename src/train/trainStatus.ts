// The words the training UI shows, as pure functions so that tests can pin them: the status
// bar text in each state, the progress notification's line and the log's.

import type { TrainNotification } from './trainClient';

export type TrainState =
  | { kind: 'idle' } // no model yet
  | { kind: 'training'; bpc: number | null }
  | { kind: 'ready'; bpc: number | null }; // a model exists and nothing runs

const bpcText = (bpc: number | null) => (bpc === null || !Number.isFinite(bpc) ? '' : ` ${bpc.toFixed(2)} bpc`);

export function statusText(state: TrainState): string {
  switch (state.kind) {
    case 'idle':
      return '$(circuit-board) Cellscope';
    case 'training':
      return `$(sync~spin) Cellscope training${bpcText(state.bpc)}`;
    case 'ready':
      return `$(check) Cellscope${bpcText(state.bpc)}`;
  }
}

export function statusTooltip(state: TrainState): string {
  switch (state.kind) {
    case 'idle':
      return 'Cellscope has no model for this workspace yet: run "Cellscope: Train on Workspace". Click for the log.';
    case 'training':
      return 'Cellscope is training on this workspace (bits per character: lower is better). Click for the log.';
    case 'ready':
      return 'Cellscope has a model of this workspace (held-out bits per character: lower is better). Click for the log.';
  }
}

/** "held-out 1.84 bpc · 2,300 chars/s · 4:10 left" */
export function progressText(heldoutBpc: number | null, charsPerSecond: number, secondsLeft: number): string {
  const left = Math.max(0, Math.round(secondsLeft));
  const clock = `${Math.floor(left / 60)}:${String(left % 60).padStart(2, '0')}`;
  const bpc = heldoutBpc === null ? 'held-out bpc not measured yet' : `held-out ${heldoutBpc.toFixed(2)} bpc`;
  return `${bpc} · ${Math.round(charsPerSecond).toLocaleString('en')} chars/s · ${clock} left`;
}

/** The log's line for what the training worker reports. */
export function logLine(n: TrainNotification): string {
  switch (n.type) {
    case 'didReadCorpus':
      return `${n.summary}; ${n.trainChars.toLocaleString('en')} training characters${n.resumedAtStep === null ? '' : `; resuming at step ${n.resumedAtStep}`}`;
    case 'didProgress':
      return `step ${n.step}: ${Math.round(n.charsPerSecond)} chars/s, train ${n.trainBpc.toFixed(3)} bpc`;
    case 'didEvaluate':
      return `step ${n.point.step}: held-out ${n.point.heldoutBpc ?? 'n/a'} bpc`;
    case 'didSample':
      return `sample at step ${n.step}:\n${n.text}`;
    case 'didSave':
      return `saved ${n.path} (step ${n.step})`;
  }
}
