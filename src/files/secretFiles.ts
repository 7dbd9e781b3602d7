// Files that may hold secrets by their names: never read into a corpus, never mirrored to the
// engine (so no completions in them, and none of their text in other files' suggestions).
// Small on purpose: the extension host imports it.

import * as path from 'node:path';
import ignore from 'ignore';

// Always left out (gitignore syntax, matched against names), whatever the settings: secrets, credentials, lock files.
export const SECRET_PATTERNS = [
  '.env', '.env.*', '*.env', '*.pem', '*.key', '*.crt', '*.cer', '*.der', '*.p12', '*.pfx', '*.jks', '*.keystore',
  'id_rsa*', 'id_dsa*', 'id_ecdsa*', 'id_ed25519*', '*.ppk', '.npmrc', '.pypirc', '.netrc', '.git-credentials',
  '.htpasswd', 'credentials*', 'secrets.*', '*.secret', '*.secrets', '*.lock', 'package-lock.json', 'pnpm-lock.yaml', 'go.sum',
];

const SECRET_FILES = ignore().add(SECRET_PATTERNS);

/** A file that may hold secrets by its name (`.env`, a key, credentials…). */
export function isSecretFile(file: string): boolean {
  return SECRET_FILES.ignores(path.basename(file));
}
