// A Cellscope model as a PyTorch state_dict in safetensors, and back: the tensors of a module
// holding `lstm = nn.LSTM(V, H, L)` (or `gru = nn.GRU(…)`, `rnn = nn.RNN(…)`; one-hot input) and
// `decoder = nn.Linear(H, V)`, named as PyTorch names them (lstm.weight_ih_l0 …, decoder.weight,
// decoder.bias), with the vocabulary,
// the configuration and the training statistics in __metadata__ as JSON strings. Adam's
// moments go along only when asked (optimizer.exp_avg.NAME, optimizer.exp_avg_sq.NAME), so that
// a run can resume on the other side; without them an imported model restarts Adam (step 0).

import { CheckpointError, configProblem, decodeCheckpoint, encodeCheckpoint, type Checkpoint } from '../model/checkpoint';
import { paramCount, paramLayout, type ModelConfig } from '../model/params';
import { decodeSafetensors, encodeSafetensors, SafetensorsError, type NamedTensor } from './safetensors';

const FORMAT = 'cellscope-charlstm';

/** PyTorch's name for a parameter of the layout: lstm.0.weight_ih → lstm.weight_ih_l0 (gru., rnn. alike), out.weight → decoder.weight. */
export function torchName(name: string): string {
  return name.replace(/^(lstm|gru|rnn)\.(\d+)\.(\w+)$/, '$1.$3_l$2').replace(/^out\./, 'decoder.');
}

export function exportModel(cp: Checkpoint, withOptimizer: boolean): Uint8Array {
  const tensors = new Map<string, NamedTensor>();
  const slabs: [string, Float32Array][] = [['', cp.params], ['optimizer.exp_avg.', cp.adamM], ['optimizer.exp_avg_sq.', cp.adamV]];
  for (const [prefix, slab] of withOptimizer ? slabs : slabs.slice(0, 1)) {
    for (const e of paramLayout(cp.config)) tensors.set(prefix + torchName(e.name), { shape: e.shape, data: slab.subarray(e.offset, e.offset + e.size) });
  }
  const training = withOptimizer ? cp.training : { ...cp.training, step: 0 };
  return encodeSafetensors(tensors, { format: FORMAT, config: JSON.stringify(cp.config), vocabulary: JSON.stringify(cp.vocabulary), training: JSON.stringify(training) });
}

/** The model in safetensors `bytes` (from `source`, for messages), checked as a checkpoint is. Throws SafetensorsError. */
export function importModel(bytes: Uint8Array, source: string): Checkpoint {
  const { tensors, metadata } = decodeSafetensors(bytes, source);
  const fail = (what: string): never => {
    throw new SafetensorsError(`${source}: ${what}; export it with "cellscope export" or the PyTorch trainer (torch/).`);
  };
  if (metadata.format !== FORMAT) fail(`its __metadata__ does not say format "${FORMAT}"`);
  const json = (key: string): unknown => {
    try {
      return JSON.parse(metadata[key]);
    } catch {
      return fail(`its __metadata__ has no valid ${key}`);
    }
  };
  const config = json('config') as ModelConfig, problem = configProblem(config);
  if (problem) fail(`its model configuration is invalid (${problem})`);
  const n = paramCount(config), layout = paramLayout(config);
  const slab = (prefix: string, required: boolean): Float32Array | undefined => {
    const out = new Float32Array(n);
    for (const e of layout) {
      const name = prefix + torchName(e.name), t = tensors.get(name);
      if (!t) return required ? fail(`tensor ${name} is missing`) : undefined;
      if (t.shape.join('×') !== e.shape.join('×')) fail(`tensor ${name} has shape [${t.shape.join(', ')}]; the configuration needs [${e.shape.join(', ')}]`);
      out.set(t.data, e.offset);
      tensors.delete(name);
    }
    return out;
  };
  const params = slab('', true)!, adamM = slab('optimizer.exp_avg.', false), adamV = slab('optimizer.exp_avg_sq.', false);
  if (tensors.size > 0) fail(`tensor ${[...tensors.keys()][0]} belongs to no parameter of the model`);
  if (!adamM !== !adamV) fail('it has one of Adam\'s two moments without the other');
  const training = json('training') as Checkpoint['training'];
  if (!adamM && typeof training === 'object' && training !== null) training.step = 0; // Adam restarts from zero moments
  const cp = { config, vocabulary: json('vocabulary') as string[], training, params, adamM: adamM ?? new Float32Array(n), adamV: adamV ?? new Float32Array(n), state: new Float32Array(0) };
  try {
    return decodeCheckpoint(encodeCheckpoint(cp), source); // every check a model file gets
  } catch (err) {
    throw err instanceof CheckpointError ? new SafetensorsError(err.message.replace(/ Train a new model.*$/, ' Export it again.')) : new SafetensorsError(`${source}: its model does not hold together (${(err as Error).message}).`);
  }
}
