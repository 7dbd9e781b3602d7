// `cellscope export MODEL OUT.safetensors`: the model as a PyTorch state_dict (files/modelExchange.ts).

import * as fs from 'node:fs';
import { loadCheckpointFile } from '../files/checkpointFile';
import { exportModel } from '../files/modelExchange';
import { parse, UsageError } from './args';

export const EXPORT_HELP = `cellscope export MODEL OUT.safetensors [--with-optimizer]
  Writes the model as safetensors with PyTorch's names (lstm.weight_ih_l0 …, decoder.weight),
  the vocabulary, configuration and training history in its metadata; --with-optimizer adds
  Adam's moments, so that training can resume on the other side.`;

export function exportCommand(args: string[]): void {
  const p = parse('export', args, { 'with-optimizer': { type: 'boolean' } }, ['MODEL', 'OUT']);
  const [model, out] = p.positionals;
  if (!out.endsWith('.safetensors')) throw new UsageError(`cellscope export writes a .safetensors file; got "${out}".`);
  const bytes = exportModel(loadCheckpointFile(model), p.values['with-optimizer'] === true);
  fs.writeFileSync(out, bytes);
  console.log(`wrote ${out} (${bytes.length.toLocaleString('en')} bytes)`);
}
