// Models to and from PyTorch in safetensors: the format as the reference writes it (read back by
// hand here), a bit-identical round trip with and without Adam's moments, F16 and BF16 read,
// and every kind of bad file refused in one sentence naming it.

import * as assert from 'node:assert/strict';
import { Arena } from '../../src/model/arena';
import type { Checkpoint } from '../../src/model/checkpoint';
import type { CellType } from '../../src/model/params';
import { exportModel, importModel, torchName } from '../../src/files/modelExchange';
import { decodeSafetensors, encodeSafetensors, SafetensorsError } from '../../src/files/safetensors';
import { Trainer } from '../../src/train/trainer';

function trained(cell: CellType = 'lstm'): Checkpoint {
  const trainer = Trainer.fresh('if (a) { b(); } /* c */\n'.repeat(20), [], { cell, hidden: 8, layers: 2, batch: 2, steps: 8, lr: 1e-2, seed: 1 }, Arena.plain());
  for (let i = 0; i < 3; i++) trainer.step();
  return trainer.checkpoint();
}

/** The header as the file holds it: 8-byte length, then JSON padded to a multiple of 8. */
function headerOf(bytes: Uint8Array): { length: number; json: Record<string, any> } {
  const length = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  return { length, json: JSON.parse(Buffer.from(bytes.subarray(8, 8 + length)).toString('utf8')) };
}

/** The file with its header replaced (data kept). */
function withHeader(bytes: Uint8Array, edit: (json: Record<string, any>) => void): Uint8Array {
  const { length, json } = headerOf(bytes);
  edit(json);
  let text = JSON.stringify(json);
  text += ' '.repeat((8 - (text.length % 8)) % 8);
  const out = new Uint8Array(8 + text.length + bytes.length - 8 - length);
  new DataView(out.buffer).setBigUint64(0, BigInt(text.length), true);
  out.set(Buffer.from(text), 8);
  out.set(bytes.subarray(8 + length), 8 + text.length);
  return out;
}

const refuses = (bytes: Uint8Array, pattern: RegExp) =>
  assert.throws(() => importModel(bytes, '/in/m.safetensors'), (e: Error) => {
    assert.ok(e instanceof SafetensorsError, `${e}`);
    assert.match(e.message, /^\/in\/m\.safetensors: /);
    assert.match(e.message, pattern);
    assert.equal(e.message.split('\n').length, 1);
    return true;
  });

describe('models to and from PyTorch (safetensors)', () => {
  it('names tensors as a PyTorch state_dict and lays the file out as the format says', () => {
    assert.equal(torchName('lstm.1.weight_hh'), 'lstm.weight_hh_l1');
    assert.equal(torchName('out.bias'), 'decoder.bias');
    assert.equal(torchName('gru.0.bias_hh'), 'gru.bias_hh_l0');
    const cp = trained(), bytes = exportModel(cp, false), { length, json } = headerOf(bytes);
    assert.equal(length % 8, 0);
    assert.deepEqual(Object.keys(json).filter((k) => k !== '__metadata__'), [
      'lstm.weight_ih_l0', 'lstm.weight_hh_l0', 'lstm.bias_ih_l0', 'lstm.bias_hh_l0',
      'lstm.weight_ih_l1', 'lstm.weight_hh_l1', 'lstm.bias_ih_l1', 'lstm.bias_hh_l1', 'decoder.weight', 'decoder.bias',
    ]);
    const V = cp.config.vocab;
    assert.deepEqual(json['lstm.weight_ih_l0'], { dtype: 'F32', shape: [32, V], data_offsets: [0, 32 * V * 4] });
    assert.deepEqual(json['decoder.weight'].shape, [V, 8]);
    assert.deepEqual(JSON.parse(json.__metadata__.vocabulary), cp.vocabulary);
    // The first weight, read by hand as little-endian float32 right after the header.
    assert.equal(new DataView(bytes.buffer).getFloat32(8 + length, true), cp.params[0]);
  });

  it('round-trips parameters and vocabulary bit for bit; moments only when asked; a GRU and an RNN too', () => {
    for (const cell of ['gru', 'rnn'] as const) {
      const other = trained(cell), back = importModel(exportModel(other, true), 'm.safetensors');
      assert.deepEqual([back.config, back.params, back.adamV], [other.config, other.params, other.adamV]);
      assert.ok(decodeSafetensors(exportModel(other, false), 'm').tensors.has(`${cell}.weight_hh_l1`));
    }
    const cp = trained();
    const plain = importModel(exportModel(cp, false), 'm.safetensors');
    assert.deepEqual(plain.params, cp.params);
    assert.deepEqual(plain.vocabulary, cp.vocabulary);
    assert.deepEqual(plain.config, cp.config);
    assert.ok(plain.adamM.every((x) => x === 0) && plain.training.step === 0, 'without moments Adam starts again');
    const full = importModel(exportModel(cp, true), 'm.safetensors');
    assert.deepEqual([full.adamM, full.adamV, full.training], [cp.adamM, cp.adamV, cp.training]);
  });

  it('reads F16 and BF16 tensors into float32', () => {
    const half = encodeSafetensors(new Map([['x', { shape: [4], data: new Float32Array(4) }]]), {});
    const f16 = withHeader(half, (j) => (j.x = { dtype: 'F16', shape: [8], data_offsets: [0, 16] }));
    new DataView(f16.buffer).setUint16(f16.length - 16, 0x3c00, true); // 1
    new DataView(f16.buffer).setUint16(f16.length - 14, 0xc100, true); // -2.5
    new DataView(f16.buffer).setUint16(f16.length - 12, 0x0001, true); // the smallest subnormal
    assert.deepEqual([...decodeSafetensors(f16, 'h').tensors.get('x')!.data.subarray(0, 3)], [1, -2.5, 2 ** -24]);
    const bf16 = withHeader(half, (j) => (j.x = { dtype: 'BF16', shape: [8], data_offsets: [0, 16] }));
    new DataView(bf16.buffer).setUint16(bf16.length - 16, 0x3fc0, true); // 1.5
    assert.equal(decodeSafetensors(bf16, 'b').tensors.get('x')!.data[0], 1.5);
  });

  it('refuses a bad file in one sentence naming it: truncated, offsets, header size, shape, dtype, vocabulary, values', () => {
    const cp = trained(), good = exportModel(cp, false);
    refuses(good.subarray(0, good.length - 10), /data end at byte \d+, the file at \d+/);
    refuses(good.subarray(0, 20), /truncated inside its header/);
    refuses(withHeader(good, (j) => (j['lstm.bias_hh_l0'].data_offsets = j['lstm.bias_ih_l0'].data_offsets)), /do not follow one another/); // overlapping
    const huge = good.slice();
    new DataView(huge.buffer).setBigUint64(0, 200_000_000n, true);
    refuses(huge, /header would be 200000000 bytes, over the limit/);
    refuses(withHeader(good, (j) => (j['decoder.bias'].shape = [cp.config.vocab + 1])), /decoder\.bias takes \d+ bytes where its shape and dtype need/);
    refuses(withHeader(good, (j) => {
      const [a, b] = [j['lstm.bias_ih_l0'], j['lstm.bias_hh_l0']];
      [a.shape, b.shape] = [[2, 16], [2, 16]]; // the right sizes, the wrong shapes for these names
    }), /lstm\.bias_ih_l0 has shape \[2, 16\]; the configuration needs \[32\]/);
    refuses(withHeader(good, (j) => (j['decoder.bias'].dtype = 'I64')), /dtype "I64"; F32, F16 and BF16 are read/);
    refuses(withHeader(good, (j) => (j.__metadata__.vocabulary = JSON.stringify(cp.vocabulary.slice(1)))), /vocabulary does not have config\.vocab − 1/);
    // A cell type it does not know, or an LSTM's tensors under a GRU's configuration.
    const asCell = (cell: string) => (j: Record<string, any>) => (j.__metadata__.config = JSON.stringify({ ...cp.config, cell }));
    refuses(withHeader(good, asCell('transformer')), /its model configuration is invalid \(config\.cell is "transformer", not one of lstm, gru, rnn\)/);
    refuses(withHeader(good, asCell('gru')), /tensor gru\.weight_ih_l0 is missing/);
    refuses(withHeader(good, (j) => delete j['lstm.weight_hh_l1']), /tensor lstm\.weight_hh_l1 is missing|do not follow one another/);
    refuses(withHeader(good, (j) => (j.__metadata__.format = 'other')), /does not say format "cellscope-charlstm"/);
    const nan = good.slice();
    new DataView(nan.buffer).setFloat32(8 + headerOf(good).length + 4, NaN, true);
    refuses(nan, /parameters hold NaN \(at 1\), not a finite number/);
    // A name twice: JSON.parse would keep only the last.
    const text = Buffer.from(good.subarray(8, 8 + headerOf(good).length)).toString().replace('"decoder.bias"', '"decoder.weight"');
    const twice = good.slice();
    twice.set(Buffer.from(text), 8);
    refuses(twice, /names a tensor twice/);
  });
});
