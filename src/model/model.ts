// A model ready to run: its configuration, vocabulary and parameter slab with named views.
// Training adds gradients and Adam's moments around it (train/trainer.ts).

import type { Arena } from './arena';
import type { Checkpoint } from './checkpoint';
import { initParams, modelConfig, paramCount, paramViews, type CellType, type ModelConfig, type ParamViews } from './params';
import { Vocabulary } from './vocabulary';
import type { Rng } from '../util/rng';

export interface Model {
  config: ModelConfig;
  vocabulary: Vocabulary;
  params: Float32Array; // the parameter slab
  p: ParamViews; // named views into `params`
  arena: Arena; // where params and every buffer of its passes live, and the kernels that run them
}

export function createModel(vocabulary: Vocabulary, hidden: number, layers: number, rng: Rng, arena: Arena, cell: CellType = 'lstm'): Model {
  const config = modelConfig(vocabulary.size, hidden, layers, cell);
  const params = arena.floats(paramCount(config));
  initParams(params, config, rng);
  return { config, vocabulary, params, p: paramViews(params, config), arena };
}

export function modelFromCheckpoint(cp: Checkpoint, arena: Arena): Model {
  const params = arena.floats(cp.params.length);
  params.set(cp.params);
  return { config: cp.config, vocabulary: new Vocabulary(cp.vocabulary), params, p: paramViews(params, cp.config), arena };
}
