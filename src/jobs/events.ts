/**
 * A tiny typed event emitter with VS Code's shape (`event(listener) → { dispose }`), so the job
 * core stays free of `vscode` and the extension can still hand `onDidChange` to code that expects
 * an `Event<T>`.
 */

/** Something that can be released; structurally compatible with `vscode.Disposable`. */
export interface Disposable {
  dispose(): void;
}

/** Subscribes a listener; returns what unsubscribes it. Structurally a `vscode.Event<T>`. */
export type Event<T> = (listener: (value: T) => void) => Disposable;

/** Holds listeners and calls them in subscription order. */
export class Emitter<T> {
  private listeners: Array<(value: T) => void> = [];

  /** The public side: hand this out, keep `fire` private. */
  readonly event: Event<T> = (listener) => {
    this.listeners.push(listener);
    return {
      dispose: () => {
        this.listeners = this.listeners.filter((l) => l !== listener);
      },
    };
  };

  /**
   * Calls every listener with `value`. A throwing listener must not stop the others or the job
   * that fired (a broken status bar must not fail a generation), so its error goes to `onError`.
   */
  fire(value: T, onError?: (err: unknown) => void): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(value);
      } catch (err) {
        onError?.(err);
      }
    }
  }

  /** Drops every listener. */
  dispose(): void {
    this.listeners = [];
  }
}
