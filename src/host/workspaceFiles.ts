// Which of the workspace's files Cellscope reads, to train, to discover cells and to fill the
// document cache: the folders on disk, and the include/exclude settings with files.exclude.
// Shared by the adapters that need it.

import * as vscode from 'vscode';
import type { FileSelection } from '../protocol/trainProtocol';
import { readSetting } from './settingsReader';

/** The workspace's code as Cellscope reads it: the folders, and which files (settings, files.exclude). */
export function workspaceFiles(): FileSelection {
  const filesExclude = vscode.workspace.getConfiguration('files').get<Record<string, boolean>>('exclude') ?? {};
  return {
    roots: (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath),
    include: readSetting('cellscope.training.include'),
    exclude: [...Object.keys(filesExclude).filter((k) => filesExclude[k]), ...readSetting('cellscope.training.exclude')],
    maxFileBytes: readSetting('cellscope.training.maxFileBytes'),
  };
}
