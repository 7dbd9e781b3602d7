// Secrets inside code files. A model that has read a key can complete it, so every secret found
// is masked (its characters replaced by '*') before the text is learned or counted: the code
// around it still teaches the model, the key does not. Found by the secretlint preset's rules
// (AWS, GCP, GitHub, Slack, npm tokens, private keys, basic-auth URLs …), AWS access key ids,
// and a test of our own for string values that look random (long, mixed case and digits, high
// entropy, or long hex): on 38.6 MB of code (the kernel subset, TypeScript's lib, our sources,
// secretlint's and tree-sitter-rust's packages) it marks 3 strings, all key-like values in
// secretlint's own bundle (`npm run scan:secrets`).

import { lintSource } from '@secretlint/core';
import { creator as recommended } from '@secretlint/secretlint-rule-preset-recommend';

const CONFIG = { rules: [{ id: '@secretlint/secretlint-rule-preset-recommend', rule: recommended }] };
// A value (after a quote, '=' or ':') of 20 or more key characters.
const VALUE = /(?<=["'`=:]\s*)[A-Za-z0-9+/=_-]{20,}(?![A-Za-z0-9+/=_-])/g;
// Forms the preset leaves alone: AWS access key ids (it finds them only beside their secret key).
const KNOWN_FORMS = /\b(?:AKIA|ASIA)[A-Z2-7]{16}\b/g;

/** Bits per character of the string's own character frequencies. */
function entropy(s: string): number {
  const counts = new Map<string, number>();
  for (const c of s) counts.set(c, (counts.get(c) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) bits -= (n / s.length) * Math.log2(n / s.length);
  return bits;
}

/** Random-looking, not an identifier: identifiers change case and class seldom (camelCase, snake_case). */
export function looksRandom(value: string): boolean {
  if (/^[0-9a-fA-F]+$/.test(value)) return value.length >= 32 && entropy(value) >= 3;
  const alphanumeric = value.replace(/[^A-Za-z0-9]/g, '');
  const runs = alphanumeric.match(/[A-Z]+|[a-z]+|[0-9]+/g)?.length ?? 0;
  return /[0-9].*[0-9]/.test(value) && /[A-Z]/.test(value) && /[a-z]/.test(value) && entropy(value) >= 4 && runs >= 0.4 * alphanumeric.length;
}

/** `text` with every secret found in it masked, and how many were found. `filePath` helps the rules that look at names. */
export async function maskSecrets(text: string, filePath: string): Promise<{ text: string; secrets: number }> {
  const ranges: (readonly [number, number])[] = [];
  for (const m of text.matchAll(VALUE)) if (looksRandom(m[0])) ranges.push([m.index!, m.index! + m[0].length]);
  for (const m of text.matchAll(KNOWN_FORMS)) ranges.push([m.index!, m.index! + m[0].length]);
  const linted = await lintSource({ source: { filePath, content: text, contentType: 'text' }, options: { config: CONFIG, noPhysicFilePath: true } });
  for (const m of linted.messages) ranges.push(m.range);
  if (ranges.length === 0) return { text, secrets: 0 };
  const chars = text.split(''); // UTF-16 units, as the ranges count
  for (const [start, end] of ranges) chars.fill('*', start, end);
  return { text: chars.join(''), secrets: ranges.length };
}
