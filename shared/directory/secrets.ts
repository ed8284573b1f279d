import { readFileSync } from 'node:fs';
import type { Directory } from './directory.js';
import { DirectoryError, parseDirectory } from './load.js';

const PLACEHOLDER = /\$\{([A-Z_][A-Z0-9_]*)\}/g;

/**
 * The directory file with `${NAME}` placeholders filled from the environment, so that the file can
 * live in a ConfigMap while provider auth tokens and bearer tokens come from a Secret. Each value
 * is put in as a quoted YAML string (write the placeholder unquoted); a placeholder whose variable
 * is unset or empty is an error naming the line, and nothing is loaded.
 */
export function loadDirectoryWithSecrets(file: string, env: NodeJS.ProcessEnv = process.env): Directory {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new DirectoryError(file, [`cannot read the file: ${(err as Error).message}`]);
  }
  const problems: string[] = [];
  const filled = text.split('\n').map((line, i) =>
    line.replace(PLACEHOLDER, (_, name: string) => {
      const value = env[name];
      if (!value) problems.push(`line ${i + 1}: \${${name}} is not set in the environment`);
      return JSON.stringify(value ?? '');
    }),
  );
  if (problems.length > 0) throw new DirectoryError(file, problems);
  return parseDirectory(filled.join('\n'), file);
}
