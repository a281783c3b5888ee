/** The subset of the webview API VS Code injects as `acquireVsCodeApi` (callable once). */
export interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

/** The webview's single VS Code API handle. */
export const vscode: VsCodeApi = acquireVsCodeApi();
