// The passes over every parameter in WebAssembly SIMD (AssemblyScript, built with gemm.ts into
// dist/simd.wasm): the threads' gradients summed, their norm, and Adam; the fast path behind
// ../kernels.ts's addInto and ../adam.ts when every slab lives in the shared WebAssembly
// memory. They run once per step on the main thread while any helper threads wait, so their
// time is the serial part of a parallel step. Pointers are byte addresses; the TypeScript loops
// are the reference.

/** y ← y + x over n floats. */
export function addInto(y: usize, x: usize, n: i32): void {
  const end = <usize>(n & ~3) << 2;
  for (let o: usize = 0; o < end; o += 16) v128.store(y + o, f32x4.add(v128.load(y + o), v128.load(x + o)));
  for (let o = end; o < <usize>n << 2; o += 4) store<f32>(y + o, load<f32>(y + o) + load<f32>(x + o));
}

/** Σ x², accumulated in f64 as the reference does. */
export function sumOfSquares(x: usize, n: i32): f64 {
  let lo = f64x2.splat(0), hi = f64x2.splat(0);
  const end = <usize>(n & ~3) << 2;
  for (let o: usize = 0; o < end; o += 16) {
    const v = v128.load(x + o);
    const a = f64x2.promote_low_f32x4(v), b = f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 0, 1));
    lo = f64x2.add(lo, f64x2.mul(a, a));
    hi = f64x2.add(hi, f64x2.mul(b, b));
  }
  const s = f64x2.add(lo, hi);
  let sum = f64x2.extract_lane(s, 0) + f64x2.extract_lane(s, 1);
  for (let o = end; o < <usize>n << 2; o += 4) sum += <f64>load<f32>(x + o) * <f64>load<f32>(x + o);
  return sum;
}

/**
 * One Adam step over n parameters, four at a time, then one at a time: m ← β1·m + (1−β1)·g,
 * v ← β2·v + (1−β2)·g², p ← p − stepSize·m / (√v / root2 + ε).
 */
export function adamStep(params: usize, grads: usize, m: usize, v: usize, n: i32, beta1: f64, beta2: f64, eps: f64, stepSize: f64, root2: f64): void {
  // 1 − β in f64 before rounding: f32(1 − f32(0.999)) is 1.3e-5 off.
  const b1s = <f32>beta1, c1s = <f32>(1 - beta1), b2s = <f32>beta2, c2s = <f32>(1 - beta2), es = <f32>eps, lrs = <f32>stepSize, r2s = <f32>root2;
  const b1 = f32x4.splat(b1s), c1 = f32x4.splat(c1s), b2 = f32x4.splat(b2s), c2 = f32x4.splat(c2s);
  const e = f32x4.splat(es), lr = f32x4.splat(lrs), r2 = f32x4.splat(r2s);
  const end = <usize>(n & ~3) << 2;
  for (let o: usize = 0; o < end; o += 16) {
    const g = v128.load(grads + o);
    const mi = f32x4.add(f32x4.mul(b1, v128.load(m + o)), f32x4.mul(c1, g));
    const vi = f32x4.add(f32x4.mul(b2, v128.load(v + o)), f32x4.mul(f32x4.mul(c2, g), g));
    v128.store(m + o, mi);
    v128.store(v + o, vi);
    v128.store(params + o, f32x4.sub(v128.load(params + o), f32x4.div(f32x4.mul(lr, mi), f32x4.add(f32x4.div(f32x4.sqrt(vi), r2), e))));
  }
  for (let o = end; o < <usize>n << 2; o += 4) {
    const g = load<f32>(grads + o);
    const mi = b1s * load<f32>(m + o) + c1s * g, vi = b2s * load<f32>(v + o) + c2s * g * g;
    store<f32>(m + o, mi);
    store<f32>(v + o, vi);
    store<f32>(params + o, load<f32>(params + o) - (lrs * mi) / (Mathf.sqrt(vi) / r2s + es));
  }
}
