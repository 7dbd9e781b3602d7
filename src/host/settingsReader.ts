// The VS Code side of the settings table (config/settings.ts): reads a setting's value from the
// user's configuration, typed and clamped to the table's limits (a value set out of range by
// hand is reported once, naming the setting), so that no adapter writes a default or a limit of
// its own; and writes a setting where its effective value comes from.

import * as vscode from 'vscode';
import { settingProblem, settingValue, type SettingKey } from '../config/settings';

const reported = new Set<string>(); // key=value pairs already reported

const split = (key: SettingKey) => [key.slice(0, key.lastIndexOf('.')), key.slice(key.lastIndexOf('.') + 1)] as const;

/** The current value of `key` (for the folder of `resource`, where settings differ by folder), typed and clamped. */
export function readSetting<K extends SettingKey>(key: K, resource?: vscode.Uri): ReturnType<typeof settingValue<K>> {
  const [section, name] = split(key), raw = vscode.workspace.getConfiguration(section, resource).get(name), value = settingValue(key, raw);
  // A usable value comes back as it is: only a replaced one (read on every keystroke, for completions) costs a report.
  if (raw !== undefined && value !== raw) {
    const seen = `${key}=${JSON.stringify(raw)}`, problem = settingProblem(key, raw);
    if (problem && !reported.has(seen)) {
      reported.add(seen);
      void vscode.window.showWarningMessage(`Cellscope: ${problem}`);
    }
  }
  return value;
}

/** Sets `key` where its effective value comes from (a workspace setting wins over the user's, so a toggle writes there). */
export function writeSetting(key: SettingKey, value: unknown): Thenable<void> {
  const [section, name] = split(key), config = vscode.workspace.getConfiguration(section), where = config.inspect(name);
  const target = where?.workspaceFolderValue !== undefined ? vscode.ConfigurationTarget.WorkspaceFolder
    : where?.workspaceValue !== undefined ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
  return config.update(name, value, target);
}
