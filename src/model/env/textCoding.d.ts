// The one pair of runtime globals the pure model uses (checkpoint headers are UTF-8 JSON).
// Every host has them: Node, worker threads, webviews. Declared here because the model's
// tsconfig admits no environment types; the root tsconfig gets them from @types/node.
declare class TextEncoder {
  encode(input?: string): Uint8Array;
}
declare class TextDecoder {
  constructor(label?: string, options?: { fatal?: boolean });
  decode(input?: Uint8Array): string;
}
