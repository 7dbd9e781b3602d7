// A model ready to run: its configuration, vocabulary and parameter slab with named views.
// Training adds gradients and Adam's moments around it (train/trainer.ts).

import type { Checkpoint } from './checkpoint';
import { initParams, paramCount, paramViews, type ModelConfig, type ParamViews } from './params';
import { Vocabulary } from './vocabulary';
import { floats } from './wasmMemory';
import type { Rng } from '../util/rng';

export interface Model {
  config: ModelConfig;
  vocabulary: Vocabulary;
  params: Float32Array; // the parameter slab
  p: ParamViews; // named views into `params`
}

export function createModel(vocabulary: Vocabulary, hidden: number, layers: number, rng: Rng): Model {
  const config: ModelConfig = { vocab: vocabulary.size, hidden, layers };
  const params = floats(paramCount(config));
  initParams(params, config, rng);
  return { config, vocabulary, params, p: paramViews(params, config) };
}

export function modelFromCheckpoint(cp: Checkpoint): Model {
  const params = floats(cp.params.length);
  params.set(cp.params);
  return { config: cp.config, vocabulary: new Vocabulary(cp.vocabulary), params, p: paramViews(params, cp.config) };
}
