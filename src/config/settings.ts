// Every setting a user can change, in one table: key, type, default, limits and what it is for
// (the description VS Code shows). package.json's contributes.configuration is this table as
// JSON, and a unit test fails when the two differ; the extension, the CLI's defaults and the
// workers read their defaults and limits here. No vscode import: the adapters read the values
// (host/settingsReader.ts), everything else reads defaults.

import { ARENA_MAX_BYTES } from '../model/arena';
import { cellType, gateRows, paramCount, type ModelConfig } from '../model/params';
import { UserError } from '../util/userError';

export interface Setting {
  type: 'integer' | 'number' | 'boolean' | 'array' | 'string';
  items?: { type: 'string' };
  enum?: string[];
  default: number | boolean | string[] | string;
  minimum?: number;
  maximum?: number;
  scope: 'window' | 'resource' | 'machine'; // resource: each folder may set its own; machine: user settings only (paths to programs)
  description: string;
}

export const SETTINGS = {
  'cellscope.training.cell': { type: "string", enum: ["lstm", "gru", "rnn"], default: "lstm", scope: "window", description: "The recurrent cell of a new model: lstm (Hochreiter & Schmidhuber; what completions are tuned for), gru (Cho et al.: two gates, no cell state) or rnn (a vanilla tanh RNN, as min-char-rnn), to compare them as Karpathy et al. do. Applies to new models: Train on Workspace asks before replacing a model of another type; autoStart and retrainOnSave keep training it and say so once." },
  'cellscope.training.hiddenSize': { type: "integer", default: 128, minimum: 8, maximum: 2048, scope: "window", description: "Cells per layer for a new model. Larger models learn more but train more slowly; 128 learns a workspace in minutes on today's engine. Applies when training starts fresh." },
  'cellscope.training.layers': { type: "integer", default: 2, minimum: 1, maximum: 4, scope: "window", description: "Stacked recurrent layers for a new model (2, as in Karpathy et al.). Applies when training starts fresh." },
  'cellscope.training.timeBudgetSeconds': { type: "integer", default: 600, minimum: 10, scope: "window", description: "How long one run of \"Train on Workspace\" trains, in seconds of training time. Runs resume from the last checkpoint, so training can be spread over several runs." },
  'cellscope.training.batchSize': { type: "integer", default: 32, minimum: 1, maximum: 512, scope: "window", description: "Parallel streams of text per training step (char-rnn's batch)." },
  'cellscope.training.sequenceLength': { type: "integer", default: 64, minimum: 8, maximum: 512, scope: "window", description: "Characters per stream per step, the horizon of truncated backpropagation through time." },
  'cellscope.training.learningRate': { type: "number", default: 0.002, minimum: 0, maximum: 1, scope: "window", description: "Adam's learning rate (2e-3, as char-rnn)." },
  'cellscope.training.threads': { type: "integer", default: 0, minimum: 0, maximum: 16, scope: "window", description: "CPU threads training may use: each batch is split over them. 0 uses half of this machine's cores (at least one), leaving the rest to the editor and completions." },
  'cellscope.training.include': { type: "array", items: {"type": "string"}, default: [], scope: "resource", description: "Only files matching one of these patterns (.gitignore syntax, relative to the workspace folder) are learned. Empty: every source file." },
  'cellscope.training.exclude': { type: "array", items: {"type": "string"}, default: [], scope: "resource", description: "Files matching these patterns (.gitignore syntax) are never learned, on top of .gitignore, files.exclude, secrets, lock files and generated code, which are always left out." },
  'cellscope.training.maxFileBytes': { type: "integer", default: 1000000, minimum: 1000, scope: "resource", description: "Files larger than this are skipped (and counted in the log)." },
  'cellscope.training.backend': { type: "string", enum: ["builtin", "pytorch"], default: "builtin", scope: "window", description: "What trains: Cellscope's own engine (builtin), or PyTorch through torch/train.py on the Python of cellscope.training.pythonPath (pytorch: a GPU when torch finds one). Both write the same model." },
  'cellscope.training.pythonPath': { type: "string", default: "python3", scope: "machine", description: "The Python, with torch installed, that the pytorch backend runs. Set in user settings only, as a workspace must not choose what runs." },
  'cellscope.training.autoStart': { type: "boolean", default: false, scope: "window", description: "Start training when a trusted workspace opens." },
  'cellscope.training.retrainOnSave': { type: "boolean", default: false, scope: "window", description: "Train again (resuming the model) when a file is saved and no training is running." },
  'cellscope.completion.enabled': { type: "boolean", default: true, scope: "window", description: "Suggest how the code goes on, as ghost text, from this workspace's model (Tab accepts, Alt+] shows the next suggestion)." },
  'cellscope.completion.languages': { type: "array", items: {"type": "string"}, default: [], scope: "window", description: "Language ids to complete (for example \"c\", \"typescript\"). Empty: every language." },
  'cellscope.completion.beamWidth': { type: "integer", default: 7, minimum: 1, maximum: 32, scope: "window", description: "Continuations kept at each step of the beam search (7, as Karpathy & Fei-Fei). Wider finds likelier lines but takes longer." },
  'cellscope.completion.maxChars': { type: "integer", default: 80, minimum: 1, maximum: 400, scope: "window", description: "The longest suggestion, in characters." },
  'cellscope.completion.maxLines': { type: "integer", default: 1, minimum: 1, maximum: 20, scope: "window", description: "Lines a suggestion may span: 1 ends it at the end of the line." },
  'cellscope.completion.minProbability': { type: "number", default: 0.45, minimum: 0, maximum: 1, scope: "window", description: "A suggestion is cut where the model's probability of it falls below this (at a word boundary); nothing is shown rather than a guess. 0.45 shows suggestions that are right about half the time or more (measured with `cellscope score`); lower shows longer, less certain ones." },
  'cellscope.completion.documentCache': { type: "boolean", default: true, scope: "window", description: "Mix into the model's predictions what this file, the other open files and the workspace's files say: identifiers and idioms you used before are completed again. Off: the trained model alone, for comparison." },
} satisfies Record<string, Setting>;

export type SettingKey = keyof typeof SETTINGS;
type ValueOf<K extends SettingKey> = (typeof SETTINGS)[K]['default'] extends number ? number : (typeof SETTINGS)[K]['default'] extends boolean ? boolean
  : (typeof SETTINGS)[K]['default'] extends string ? string : string[];

/** A setting's value: `value` when it has the setting's type, clamped to its limits; else the default. */
export function settingValue<K extends SettingKey>(key: K, value: unknown): ValueOf<K> {
  const s: Setting = SETTINGS[key];
  if (s.type === 'array') return (Array.isArray(value) && value.every((x) => typeof x === 'string') ? value : s.default) as ValueOf<K>;
  if (s.type === 'boolean') return (typeof value === 'boolean' ? value : s.default) as ValueOf<K>;
  if (s.type === 'string') return (typeof value === 'string' && value !== '' && (!s.enum || s.enum.includes(value)) ? value : s.default) as ValueOf<K>;
  if (typeof value !== 'number' || !Number.isFinite(value)) return s.default as ValueOf<K>;
  const n = s.type === 'integer' ? Math.round(value) : value;
  return Math.min(s.maximum ?? Infinity, Math.max(s.minimum ?? -Infinity, n)) as ValueOf<K>;
}

/** Why `value` (set by hand) is not used as it is, naming the setting and what is used instead; null when it is. */
export function settingProblem(key: SettingKey, value: unknown): string | null {
  const s: Setting = SETTINGS[key], used = settingValue(key, value);
  if (value === undefined || JSON.stringify(used) === JSON.stringify(value)) return null;
  const range = s.enum ? ` (one of ${s.enum.join(', ')})` : s.type === 'integer' || s.type === 'number' ? ` (${s.minimum ?? '−∞'} to ${s.maximum ?? '∞'}${s.type === 'integer' ? ', whole' : ''})` : '';
  return `the setting ${key} is ${JSON.stringify(value)}, not a valid ${s.type}${range}: Cellscope uses ${JSON.stringify(used)}.`;
}

/** A setting's default. */
export function settingDefault<K extends SettingKey>(key: K): ValueOf<K> {
  return SETTINGS[key].default as ValueOf<K>;
}

/** A model too large for a model's memory even at the smallest hidden size: says what to lower. */
export class ModelSizeError extends UserError {
  override name = 'ModelSizeError';
}

/**
 * The largest hidden size up to `config.hidden` whose training fits in a model's arena, and
 * what was too large (null when nothing was): parameters, gradients and Adam's two moments, one
 * more gradient slab per helper thread, and the step's activations twice (training, evaluation).
 * Throws ModelSizeError when not even the smallest fits.
 */
export function fitHiddenSize(config: ModelConfig, batch: number, steps: number, threads: number): { hidden: number; tooLarge: string | null } {
  const bytes = (H: number) => {
    const c = { ...config, hidden: H }, N = batch * steps, V = c.vocab, L = c.layers;
    const G = gateRows(c), gruTerm = cellType(c) === 'gru' ? G : 0; // a GRU keeps its recurrent term and that term's gradient
    const acts = 2 * N * V + L * ((G + gruTerm + 4 * H) * N + 4 * batch * H) + (G + gruTerm) * N + G * V;
    return 4 * (paramCount(c) * (3 + threads) + 2 * acts);
  };
  const limit = 0.9 * ARENA_MAX_BYTES; // room for the rest: state caches, sampling, the kernels' scratch
  const gb = (b: number) => `${(b / 2 ** 30).toFixed(1)} GiB`, shape = `${config.layers} layers, batch ${batch}×${steps}, ${threads} thread${threads === 1 ? '' : 's'}`;
  let hidden = config.hidden;
  while (hidden > 8 && bytes(hidden) > limit) hidden = Math.max(8, hidden - 8);
  if (bytes(hidden) > limit) {
    throw new ModelSizeError(`${shape} need about ${gb(bytes(hidden))} to train even at hidden size ${hidden}, more than the ${gb(ARENA_MAX_BYTES)} a model's memory holds: lower the layers, batch size or sequence length.`);
  }
  if (hidden === config.hidden) return { hidden, tooLarge: null };
  return { hidden, tooLarge: `hidden size ${config.hidden} needs about ${gb(bytes(config.hidden))} to train (${shape}), more than the ${gb(ARENA_MAX_BYTES)} a model's memory holds` };
}
