// The toolkit's components, a bundle of their own (dist/webview/toolkit.js) and the one module that
// imports the toolkit. The page adds it after its load event (src/studio/html.ts), so the first
// paint does not wait for it; ./index.ts makes these components once they are defined.
import { provideVSCodeDesignSystem, vsCodeButton, vsCodeCheckbox, vsCodeDropdown, vsCodeOption, vsCodeTextArea, vsCodeTextField } from '@vscode/webview-ui-toolkit';

provideVSCodeDesignSystem().register(vsCodeButton(), vsCodeCheckbox(), vsCodeDropdown(), vsCodeOption(), vsCodeTextArea(), vsCodeTextField());

// The toolkit reads VS Code's theme into its design tokens, and starts watching for theme changes,
// on the window's load event, which has passed by now: without that its components keep their
// default (dark) colours in any theme. Let its listener run; every other load listener of the page
// ran once already and was removed, and VS Code's own (on the frame) acts only on a pending frame.
if (document.readyState === 'complete') window.dispatchEvent(new Event('load'));
