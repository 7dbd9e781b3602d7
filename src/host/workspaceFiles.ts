// Which of the workspace's files Cellscope reads, to train, to discover cells and to fill the
// document cache: the folders on disk, and the include/exclude settings with files.exclude.
// Shared by the adapters that need it.

import * as vscode from 'vscode';
import type { FileSelection } from '../protocol/trainProtocol';
import { readSetting } from './settingsReader';

/** The workspace's code as Cellscope reads it: the folders on disk, each with its own settings and files.exclude. */
export function workspaceFiles(): FileSelection {
  const folders = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file');
  return {
    folders: folders.map(({ uri }) => {
      const filesExclude = vscode.workspace.getConfiguration('files', uri).get<Record<string, boolean>>('exclude') ?? {};
      return {
        path: uri.fsPath,
        include: readSetting('cellscope.training.include', uri),
        exclude: [...Object.keys(filesExclude).filter((k) => filesExclude[k]), ...readSetting('cellscope.training.exclude', uri)],
        maxFileBytes: readSetting('cellscope.training.maxFileBytes', uri),
      };
    }),
  };
}
