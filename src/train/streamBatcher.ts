// Cuts the training text into B parallel streams and serves them T steps at a time, as
// char-rnn and the PyTorch reference do: stream b is the b-th contiguous B-th of the text; each
// chunk's targets are its inputs shifted by one; at the end the streams wrap to their start,
// and the carried LSTM state must be reset.
// Dimension legend: B streams, T steps, S = ⌊N / B⌋ characters per stream.

export class StreamBatcher {
  readonly streamLength: number; // S

  constructor(
    private readonly ids: Uint16Array, // (N) the encoded training text
    readonly batch: number,
    readonly steps: number,
    public cursor = 0, // position of the next chunk in every stream
  ) {
    this.streamLength = Math.floor(ids.length / batch);
    if (this.streamLength < steps + 1) {
      throw new Error(`${ids.length} characters cannot fill ${batch} streams of ${steps + 1}`);
    }
    if (this.cursor + steps + 1 > this.streamLength) this.cursor = 0;
  }

  /** The largest batch (≤ wanted) whose streams hold at least one chunk of `steps` characters. */
  static fittingBatch(length: number, wanted: number, steps: number): number {
    return Math.min(wanted, Math.floor(length / (steps + 1)));
  }

  /**
   * Fills inputs and targets, time-major (T, B). Returns true when the streams wrapped to
   * their start, so the caller resets the carried state.
   */
  next(inputs: Uint16Array, targets: Uint16Array): boolean {
    const { batch: B, steps: T } = this;
    let wrapped = false;
    if (this.cursor + T + 1 > this.streamLength) {
      this.cursor = 0;
      wrapped = true;
    }
    for (let b = 0; b < B; b++) {
      const start = b * this.streamLength + this.cursor;
      for (let t = 0; t < T; t++) {
        inputs[t * B + b] = this.ids[start + t];
        targets[t * B + b] = this.ids[start + t + 1];
      }
    }
    this.cursor += T;
    return wrapped;
  }
}
