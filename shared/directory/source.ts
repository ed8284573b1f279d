import { DirectoryError, loadDirectoryFile } from './load.js';
import type { Directory } from './directory.js';

/**
 * The directory in force, and its file. A reload (SIGHUP or the API) swaps it in whole only when
 * the new file is valid; otherwise the old one stays live and the errors are returned. Calls in
 * progress keep their state in Redis, so a swap does not disturb them.
 */
export class DirectorySource {
  private directory: Directory;
  loadedAt: number;

  constructor(
    readonly file: string,
    private readonly load: (file: string) => Directory = loadDirectoryFile,
    now = Date.now(),
  ) {
    this.directory = load(file);
    this.loadedAt = now;
  }

  readonly current = (): Directory => this.directory;

  /** Throws DirectoryError (the old directory still in force) when the file is not valid. */
  reload(now = Date.now()): Directory {
    const next = this.load(this.file);
    this.directory = next;
    this.loadedAt = now;
    return next;
  }
}

export { DirectoryError };
