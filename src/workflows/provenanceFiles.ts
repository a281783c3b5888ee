/**
 * The `bailian.provenanceFiles` context key: the workspace images known to carry provenance, for
 * which the Explorer's Bailian submenu enables Regenerate, Variations…, Open Settings in Studio
 * and Copy as CLI Command (package.json `resourcePath in bailian.provenanceFiles`); any other
 * image shows one greyed entry that says why.
 *
 * Known means, without reading every image the Explorer shows (src/pipeline/provenanceIndex.ts):
 * - the outputs each folder's history manifest records, read at start and again when the
 *   manifest changes (only the jobs after the newest one read before);
 * - every job this window records (its saved files, at once);
 * - images read since: created in the workspace (copied in from another repository, saved by
 *   the CLI), changed while known, opened in an editor, or read by one of the commands.
 * Renames and deletions (Explorer operations and file watcher events) move and drop paths. At
 * most 20,000 paths; an image the set misses still works from a command, which reads the file
 * itself and adds it once it found a record.
 *
 * The key is published at most every {@link PUBLISH_DELAY_MS}, as an object (the `in` operator's
 * lookup is one property access) keyed by `resourcePath`: the file path of a `file:` resource,
 * else its `Uri.path`.
 */
import * as vscode from 'vscode';
import { ContextKeys } from '../constants';
import type { Log } from '../host/log';
import { PROVENANCE_IMAGE, ProvenanceIndex, addRecordedImages } from '../pipeline/provenanceIndex';
import { HISTORY_PATH } from '../pipeline/history';
import type { WorkspaceHistory } from './history';
import { readImageProvenance, type ProvenanceSeen } from './provenance';

/** How long changes gather before the context key is set again. */
export const PUBLISH_DELAY_MS = 250;
/** Most images waiting to be read at once (a checkout that creates thousands is not read whole; the rest stay unknown). */
export const MAX_PENDING_CHECKS = 256;

const IMAGE_GLOB = '**/*.{png,PNG,jpg,JPG,jpeg,JPEG}';

/** Keeps the context key in step with the workspace. */
export class ProvenanceFiles implements ProvenanceSeen, vscode.Disposable {
  private readonly index = new ProvenanceIndex();
  private readonly disposables: vscode.Disposable[] = [];
  /** Per folder (by `Uri.path`): the newest job read from its manifest. */
  private readonly newestRead = new Map<string, string | undefined>();
  /** Per folder: a manifest read running, and whether another must follow it. */
  private readonly reading = new Map<string, { running: Promise<void>; again: boolean }>();
  private readonly checks = new Map<string, vscode.Uri>();
  private checking: Promise<void> | undefined;
  private readonly work = new Set<Promise<unknown>>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private dirty = false;
  private published: Readonly<Record<string, true>> = {};

  constructor(
    private readonly history: WorkspaceHistory,
    private readonly log: Log,
  ) {
    const images = vscode.workspace.createFileSystemWatcher(IMAGE_GLOB);
    const manifests = vscode.workspace.createFileSystemWatcher(`**/${HISTORY_PATH}`);
    this.disposables.push(
      images,
      manifests,
      images.onDidCreate((uri) => this.check(uri)),
      images.onDidChange((uri) => this.index.has(uri.path) && this.check(uri)),
      images.onDidDelete((uri) => this.changed(this.index.delete(uri.path))),
      manifests.onDidCreate((uri) => this.manifestChanged(uri)),
      manifests.onDidChange((uri) => this.manifestChanged(uri)),
      vscode.workspace.onDidRenameFiles((event) => this.changed(event.files.map((f) => this.index.rename(f.oldUri.path, f.newUri.path)).some(Boolean))),
      vscode.workspace.onDidDeleteFiles((event) => this.changed(event.files.map((f) => this.index.delete(f.path)).some(Boolean))),
      vscode.workspace.onDidChangeWorkspaceFolders((event) => {
        for (const folder of event.removed) {
          this.newestRead.delete(folder.uri.path);
          this.changed(this.index.delete(folder.uri.path));
        }
        for (const folder of event.added) this.readManifest(folder);
      }),
      history.onDidRecord((job) => this.changed(this.index.add(...job.outputs.filter((p) => PROVENANCE_IMAGE.test(p)).map((p) => vscode.Uri.joinPath(job.folder.uri, p).path)))),
      vscode.window.tabGroups.onDidChangeTabs((event) => {
        for (const tab of event.opened) {
          const uri = tab.input instanceof vscode.TabInputCustom ? tab.input.uri : undefined;
          if (uri && !this.index.has(uri.path)) this.check(uri);
        }
      }),
    );
    for (const folder of vscode.workspace.workspaceFolders ?? []) this.readManifest(folder);
    this.publishSoon();
  }

  noteProvenance(uri: vscode.Uri, found: boolean): void {
    if (!vscode.workspace.getWorkspaceFolder(uri)) return;
    this.changed(found ? this.index.add(uri.path) : this.index.delete(uri.path));
  }

  /** The context key's value as last set, once every pending read and change is in (tests). */
  async settled(): Promise<string[]> {
    while (this.work.size) await Promise.allSettled([...this.work]);
    if (this.timer !== undefined || this.dirty) await this.publish();
    return Object.keys(this.published);
  }

  private track<T>(promise: Promise<T>): void {
    const tracked = promise.catch((error: unknown) => this.log.warn('Could not update the images known to carry provenance:', error)).finally(() => this.work.delete(tracked));
    this.work.add(tracked);
  }

  private changed(didChange: boolean): void {
    if (didChange) this.publishSoon();
  }

  private publishSoon(): void {
    this.dirty = true;
    this.timer ??= setTimeout(() => void this.publish(), PUBLISH_DELAY_MS);
  }

  private async publish(): Promise<void> {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.dirty = false;
    const keys: Record<string, true> = Object.create(null) as Record<string, true>;
    for (const path of this.index.values()) {
      keys[path] = true;
      // A `file:` resource's resourcePath is its file path, which differs from Uri.path on Windows.
      const fsPath = vscode.Uri.from({ scheme: 'file', path }).fsPath;
      if (fsPath !== path) keys[fsPath] = true;
    }
    this.published = keys;
    await vscode.commands.executeCommand('setContext', ContextKeys.provenanceFiles, keys);
  }

  private manifestChanged(uri: vscode.Uri): void {
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    if (folder && vscode.Uri.joinPath(folder.uri, HISTORY_PATH).path === uri.path) this.readManifest(folder);
  }

  /** Reads a folder's manifest (its new jobs); a change during a read is read right after it. */
  private readManifest(folder: vscode.WorkspaceFolder): void {
    const key = folder.uri.path;
    const current = this.reading.get(key);
    if (current) {
      current.again = true;
      return;
    }
    const state = { running: Promise.resolve(), again: false };
    state.running = (async () => {
      do {
        state.again = false;
        const before = this.index.size;
        const scan = await addRecordedImages(this.index, this.history.of(folder), key, this.newestRead.get(key));
        this.newestRead.set(key, scan.newestId);
        this.changed(scan.entriesRead > 0 || this.index.size !== before);
      } while (state.again);
    })().finally(() => this.reading.delete(key));
    this.reading.set(key, state);
    this.track(state.running);
  }

  /** Reads an image's provenance (one at a time, at most {@link MAX_PENDING_CHECKS} waiting). */
  private check(uri: vscode.Uri): void {
    if (!PROVENANCE_IMAGE.test(uri.path) || !vscode.workspace.getWorkspaceFolder(uri)) return;
    if (this.checks.size >= MAX_PENDING_CHECKS && !this.checks.has(uri.path)) return;
    this.checks.set(uri.path, uri);
    this.drainChecks();
  }

  private drainChecks(): void {
    if (this.checking || this.checks.size === 0) return;
    this.checking = (async () => {
      for (const [path, next] of this.checks) {
        this.checks.delete(path);
        let found = false;
        try {
          found = (await readImageProvenance(next)) !== undefined;
        } catch {
          // Gone or unreadable: nothing to regenerate from.
        }
        this.changed(found ? this.index.add(path) : this.index.delete(path));
      }
    })().finally(() => {
      this.checking = undefined;
      this.drainChecks();
    });
    this.track(this.checking);
  }

  dispose(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    for (const disposable of this.disposables.splice(0)) disposable.dispose();
  }
}
