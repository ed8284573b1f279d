#!/usr/bin/env node
// The SHA-256 digest of a machine's access token, as the directory stores it (tokenSha256), so the
// directory file never holds the token itself (docs/directory.md#access).
//   npm run hash-token -- --new        a fresh random token and its digest
//   echo -n "$TOKEN" | npm run hash-token --silent    the digest of a token you have (kept out of shell history)
//   npm run hash-token -- <token>      the same, from the command line
import { createHash, randomBytes } from 'node:crypto';

const digest = (token) => createHash('sha256').update(token).digest('hex');
const arg = process.argv[2];

async function stdinText() {
  let text = '';
  for await (const chunk of process.stdin) text += chunk;
  return text.replace(/\r?\n$/, '');
}

if (arg === '--help' || arg === '-h') {
  process.stdout.write('usage: npm run hash-token -- --new | <token>   (or the token on standard input)\n');
} else {
  const fresh = arg === '--new';
  const token = fresh ? randomBytes(32).toString('base64url') : (arg ?? (await stdinText()));
  if (token.length < 8) {
    process.stderr.write('hash-token: a token must be at least 8 characters\n');
    process.exit(1);
  }
  if (fresh) process.stdout.write(`token (give it to the machine, keep it secret): ${token}\n`);
  process.stdout.write(`tokenSha256: ${digest(token)}\n`);
}
