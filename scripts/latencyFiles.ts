// The texts the interactive benchmarks (bench:complete, bench:select) time on.

/** A file of about 1 KB, and about 1 MB of kernel C (the largest files joined: no single one is that big). */
export function latencyFiles(texts: string[]): { small: string; large: string } {
  const bySize = [...texts].sort((x, y) => x.length - y.length);
  const small = bySize.find((t) => t.length >= 1000) ?? bySize[bySize.length - 1];
  let large = '';
  for (let i = bySize.length - 1; i >= 0 && large.length < 1 << 20; i--) large += bySize[i];
  return { small, large: large.slice(0, large.lastIndexOf('\n', 1 << 20) + 1) };
}

