// The words the training UI shows, as pure functions so that tests can pin them: the status
// bar text and tooltip in each state, what is known of the model, the progress notification's
// line and the log's, and what is said when the stored model's cell type is not the setting's.

import type { Checkpoint } from '../model/checkpoint';
import { cellType, paramCount, type CellType } from '../model/params';
import type { TrainNotification } from './trainClient';

export type TrainState =
  | { kind: 'idle' } // no model yet
  | { kind: 'training'; bpc: number | null; model?: string[] } // model: the last saved one's description
  | { kind: 'ready'; bpc: number | null; model?: string[] }; // a model exists and nothing runs

/** The model as people ask about it: size, training, held-out figure, what it learnt from and when it was saved (`savedAt`, ms). */
export function describeModel(cp: Checkpoint, savedAt: number, now: number): string[] {
  const { config: c, training: t } = cp, n = (x: number) => Math.round(x).toLocaleString('en');
  const heldout = t.history[t.history.length - 1]?.heldoutBpc;
  return [
    `${c.layers} layer${c.layers === 1 ? '' : 's'} of ${c.hidden} ${cellType(c).toUpperCase()} cells, ${n(paramCount(c))} parameters, ${c.vocab - 1} characters`,
    `trained ${duration(t.seconds)} (step ${n(t.step)}, ${n(t.charsSeen)} characters read)${t.trainedOn ? ` on ${t.trainedOn}` : ''}`,
    heldout === undefined || heldout === null ? 'held-out bits per character: not measured (no held-out files)' : `held-out ${heldout.toFixed(2)} bits per character (lower is better; 8 is no better than chance)`,
    `saved ${duration((now - savedAt) / 1000)} ago`,
  ];
}

/** "45 s", "12 min", "3.5 h", "2 days". */
function duration(seconds: number): string {
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 90 * 60) return `${Math.round(seconds / 60)} min`;
  if (seconds < 48 * 3600) return `${(seconds / 3600).toFixed(1)} h`;
  return `${Math.round(seconds / 86400)} days`;
}

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
  const model = state.kind !== 'idle' && state.model ? `\n\nThe model: ${state.model.join('; ')}.` : '';
  switch (state.kind) {
    case 'idle':
      return 'Cellscope has no model for this workspace yet: run "Cellscope: Train on Workspace". Click for the log.';
    case 'training':
      return `Cellscope is training on this workspace (bits per character: lower is better). Click for the log.${model}`;
    case 'ready':
      return `Cellscope has a model of this workspace (held-out bits per character: lower is better). Click for the log.${model}`;
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

/** When cellscope.training.cell asks for another cell type than the stored model's: the two as people name them, what is said, and the button that trains a new one. */
export function cellTypeConflict(stored: CellType | undefined, asked: CellType): { have: string; want: string; conflict: string; trainNew: string } | undefined {
  if (!stored || stored === asked) return undefined;
  const [have, want] = [stored, asked].map((c) => c.toUpperCase());
  const article = (name: string) => (/^[LR]/.test(name) ? 'an' : 'a'); // "an" before LSTM and RNN (el-, ar-), "a" before GRU
  return { have, want, conflict: `This workspace's model is ${article(have)} ${have}; the setting cellscope.training.cell asks for ${article(want)} ${want}.`, trainNew: `Train a New ${want}` };
}
