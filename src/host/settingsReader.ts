// The VS Code side of the settings table (config/settings.ts): reads a setting's value from the
// user's configuration, typed and clamped to the table's limits, so that no adapter writes a
// default or a limit of its own.

import * as vscode from 'vscode';
import { settingValue, type SettingKey } from '../config/settings';

/** The current value of `key` (the table's default when unset or of the wrong type). */
export function readSetting<K extends SettingKey>(key: K): ReturnType<typeof settingValue<K>> {
  const dot = key.lastIndexOf('.');
  return settingValue(key, vscode.workspace.getConfiguration(key.slice(0, dot)).get(key.slice(dot + 1)));
}
