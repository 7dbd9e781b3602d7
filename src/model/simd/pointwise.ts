// The fused gate non-linearities of the LSTM, GRU and vanilla RNN in WebAssembly SIMD
// (AssemblyScript, built with gemm.ts into dist/simd.wasm), forward and backward: the fast path
// behind kernels.ts's *PointwiseForward and *PointwiseBackward when their buffers live in the
// shared WebAssembly memory and H is a multiple of 4. Beam search spends a quarter
// of its time here in plain JavaScript (Math.exp and Math.tanh one value at a time). Pointers
// are byte addresses; the TypeScript loop in kernels.ts is the reference.

/**
 * One step for B streams: gates (B, 4H) pre-activations i, f, g, o → activations;
 * c' = f⊙c + i⊙g, tanhC = tanh(c'), h = o⊙tanh(c'). Four cells per pass.
 */
export function lstmPointwiseForward(gates: usize, c: usize, tanhC: usize, h: usize, cPrev: usize, batch: i32, hidden: i32): void {
  const rowH = <usize>hidden << 2;
  for (let b = 0; b < batch; b++) {
    const g = gates + <usize>b * 4 * rowH, s = <usize>b * rowH;
    for (let o: usize = 0; o < rowH; o += 16) {
      const ig = sigmoid(v128.load(g + o)), fg = sigmoid(v128.load(g + rowH + o));
      const gg = tanh(v128.load(g + 2 * rowH + o)), og = sigmoid(v128.load(g + 3 * rowH + o));
      v128.store(g + o, ig); v128.store(g + rowH + o, fg); v128.store(g + 2 * rowH + o, gg); v128.store(g + 3 * rowH + o, og);
      const cn = f32x4.add(f32x4.mul(fg, v128.load(cPrev + s + o)), f32x4.mul(ig, gg));
      const tc = tanh(cn);
      v128.store(c + s + o, cn);
      v128.store(tanhC + s + o, tc);
      v128.store(h + s + o, f32x4.mul(og, tc));
    }
  }
}

/**
 * Backward of one step for B streams: from dh (B, H), the running cell gradient dc (B, H; in:
 * dL/dc_t from step t+1, out: dL/dc_{t-1}) and the step's activations, the pre-activation
 * gradients dGates (B, 4H). Products in the reference loop's order.
 */
export function lstmPointwiseBackward(dGates: usize, dc: usize, dh: usize, gates: usize, tanhC: usize, cPrev: usize, batch: i32, hidden: i32): void {
  const rowH = <usize>hidden << 2, one = f32x4.splat(1);
  for (let b = 0; b < batch; b++) {
    const g = gates + <usize>b * 4 * rowH, d = dGates + <usize>b * 4 * rowH, s = <usize>b * rowH;
    for (let o: usize = 0; o < rowH; o += 16) {
      const ig = v128.load(g + o), fg = v128.load(g + rowH + o), gg = v128.load(g + 2 * rowH + o), og = v128.load(g + 3 * rowH + o);
      const tc = v128.load(tanhC + s + o), dhv = v128.load(dh + s + o);
      const dct = f32x4.add(v128.load(dc + s + o), f32x4.mul(f32x4.mul(dhv, og), f32x4.sub(one, f32x4.mul(tc, tc))));
      v128.store(d + o, f32x4.mul(f32x4.mul(f32x4.mul(dct, gg), ig), f32x4.sub(one, ig)));
      v128.store(d + rowH + o, f32x4.mul(f32x4.mul(f32x4.mul(dct, v128.load(cPrev + s + o)), fg), f32x4.sub(one, fg)));
      v128.store(d + 2 * rowH + o, f32x4.mul(f32x4.mul(dct, ig), f32x4.sub(one, f32x4.mul(gg, gg))));
      v128.store(d + 3 * rowH + o, f32x4.mul(f32x4.mul(f32x4.mul(dhv, tc), og), f32x4.sub(one, og)));
      v128.store(dc + s + o, f32x4.mul(dct, fg));
    }
  }
}

/**
 * One GRU step for B streams: gates (B, 3H) input term → activations r, z, n; hh (B, 3H) the
 * recurrent term; h = (1 − z)⊙n + z⊙hPrev. Four cells per pass.
 */
export function gruPointwiseForward(gates: usize, hh: usize, h: usize, hPrev: usize, batch: i32, hidden: i32): void {
  const rowH = <usize>hidden << 2, one = f32x4.splat(1);
  for (let b = 0; b < batch; b++) {
    const g = gates + <usize>b * 3 * rowH, q = hh + <usize>b * 3 * rowH, s = <usize>b * rowH;
    for (let o: usize = 0; o < rowH; o += 16) {
      const r = sigmoid(f32x4.add(v128.load(g + o), v128.load(q + o)));
      const z = sigmoid(f32x4.add(v128.load(g + rowH + o), v128.load(q + rowH + o)));
      const n = tanh(f32x4.add(v128.load(g + 2 * rowH + o), f32x4.mul(r, v128.load(q + 2 * rowH + o))));
      v128.store(g + o, r); v128.store(g + rowH + o, z); v128.store(g + 2 * rowH + o, n);
      v128.store(h + s + o, f32x4.add(f32x4.mul(f32x4.sub(one, z), n), f32x4.mul(z, v128.load(hPrev + s + o))));
    }
  }
}

/** Backward of one GRU step: dGates and dHh (B, 3H) from dh (B, H); dhPrev (B, H) += z⊙dh. Products in the reference loop's order. */
export function gruPointwiseBackward(dGates: usize, dHh: usize, dhPrev: usize, dh: usize, gates: usize, hh: usize, hPrev: usize, batch: i32, hidden: i32): void {
  const rowH = <usize>hidden << 2, one = f32x4.splat(1);
  for (let b = 0; b < batch; b++) {
    const g = gates + <usize>b * 3 * rowH, q = hh + <usize>b * 3 * rowH, dg = dGates + <usize>b * 3 * rowH, dq = dHh + <usize>b * 3 * rowH, s = <usize>b * rowH;
    for (let o: usize = 0; o < rowH; o += 16) {
      const r = v128.load(g + o), z = v128.load(g + rowH + o), n = v128.load(g + 2 * rowH + o), d = v128.load(dh + s + o);
      const dn = f32x4.mul(f32x4.mul(d, f32x4.sub(one, z)), f32x4.sub(one, f32x4.mul(n, n)));
      const dz = f32x4.mul(f32x4.mul(f32x4.mul(d, f32x4.sub(v128.load(hPrev + s + o), n)), z), f32x4.sub(one, z));
      const dr = f32x4.mul(f32x4.mul(f32x4.mul(dn, v128.load(q + 2 * rowH + o)), r), f32x4.sub(one, r));
      v128.store(dg + o, dr); v128.store(dg + rowH + o, dz); v128.store(dg + 2 * rowH + o, dn);
      v128.store(dq + o, dr); v128.store(dq + rowH + o, dz); v128.store(dq + 2 * rowH + o, f32x4.mul(dn, r));
      v128.store(dhPrev + s + o, f32x4.add(v128.load(dhPrev + s + o), f32x4.mul(d, z)));
    }
  }
}

/** One vanilla RNN step over n = B·H values: h = tanh(pre). */
export function rnnPointwiseForward(pre: usize, h: usize, n: i32): void {
  const bytes = <usize>n << 2;
  for (let o: usize = 0; o < bytes; o += 16) v128.store(h + o, tanh(v128.load(pre + o)));
}

/** Backward of one RNN step: dPre = dh⊙(1 − h²). */
export function rnnPointwiseBackward(dPre: usize, dh: usize, h: usize, n: i32): void {
  const bytes = <usize>n << 2, one = f32x4.splat(1);
  for (let o: usize = 0; o < bytes; o += 16) {
    const y = v128.load(h + o);
    v128.store(dPre + o, f32x4.mul(v128.load(dh + o), f32x4.sub(one, f32x4.mul(y, y))));
  }
}

// @ts-ignore: decorator
@inline function sigmoid(x: v128): v128 {
  const one = f32x4.splat(1);
  return f32x4.div(one, f32x4.add(one, exp(f32x4.neg(x))));
}

/** tanh(x) = 2·sigmoid(2x) − 1: absolute error a few 1e-8, which is what float32 gives near 0. */
// @ts-ignore: decorator
@inline function tanh(x: v128): v128 {
  const one = f32x4.splat(1);
  return f32x4.sub(f32x4.div(f32x4.splat(2), f32x4.add(one, exp(f32x4.mul(x, f32x4.splat(-2))))), one);
}

/**
 * e^x to float32 precision (Cephes expf): x = n·ln2 + r with |r| ≤ ln2/2 (ln2 split in two
 * parts so that r is exact), e^r by its degree-7 polynomial, 2^n put into the exponent bits.
 * x is clamped to [−87, 88], where 2^n stays a normal float; sigmoid and tanh saturate there.
 */
// @ts-ignore: decorator
@inline function exp(x: v128): v128 {
  x = f32x4.min(f32x4.max(x, f32x4.splat(-87)), f32x4.splat(88));
  const n = f32x4.nearest(f32x4.mul(x, f32x4.splat(1.44269504088896341)));
  let r = f32x4.sub(x, f32x4.mul(n, f32x4.splat(0.693359375)));
  r = f32x4.sub(r, f32x4.mul(n, f32x4.splat(-2.12194440e-4)));
  let p = f32x4.splat(1.9875691500e-4);
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.3981999507e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(8.3334519073e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(4.1665795894e-2));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.6666665459e-1));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(5.0000001201e-1));
  p = f32x4.add(f32x4.add(f32x4.mul(p, f32x4.mul(r, r)), r), f32x4.splat(1));
  const scale = i32x4.shl(i32x4.add(i32x4.trunc_sat_f32x4_s(n), i32x4.splat(127)), 23);
  return f32x4.mul(p, scale);
}
