/** What the pipeline writes through: a file to save, and the saver that writes it without overwriting. */

/** One file for a saver to write: a relative stem (may contain `/`), an extension, the bytes. */
export interface OutputFile {
  /** Relative path stem, `/`-separated, without extension. */
  readonly stem: string;
  /** Extension without the dot (`png`, `json`). */
  readonly ext: string;
  readonly bytes: Uint8Array;
}

/** What a saver reports for a written file. */
export interface SavedFileRef {
  /** Path relative to the saver's folder, `/`-separated, with extension (as actually used). */
  readonly name: string;
}

/** Writes files somewhere, never overwriting; `T` carries whatever the caller needs back (a Uri, a path). */
export interface ImageSaver<T extends SavedFileRef = SavedFileRef> {
  save(file: OutputFile): Promise<T>;
}
