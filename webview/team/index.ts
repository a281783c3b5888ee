// The team chunk's entry (dist/webview/team.js): the preset picker, Compare and the History tab,
// imported by the app after its first paint (webview/team.ts). `mount` connects the chunk to the app.
import { connect, type TeamBridge } from './bridge';
import { compareRow, renderColumns } from './compare';
import { renderHistory, renderHistoryList } from './history';
import { showLarge } from './lightbox';
import { presetProblems, presetRow, receivePresets, withPreset } from './presets';

/** What the app calls of the chunk. */
export interface TeamChunk {
  presetRow: typeof presetRow;
  presetProblems: typeof presetProblems;
  withPreset: typeof withPreset;
  receivePresets: typeof receivePresets;
  compareRow: typeof compareRow;
  renderColumns: typeof renderColumns;
  renderHistory: typeof renderHistory;
  renderHistoryList: typeof renderHistoryList;
  showLarge: typeof showLarge;
}

/** Connects the chunk to the app and returns its parts. */
export function mount(app: TeamBridge): TeamChunk {
  connect(app);
  return { presetRow, presetProblems, withPreset, receivePresets, compareRow, renderColumns, renderHistory, renderHistoryList, showLarge };
}
