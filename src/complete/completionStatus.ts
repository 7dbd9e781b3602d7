// The words the completion status bar item shows, as pure functions so that tests can pin
// them, and the command its click runs: switch completions off and on, or train a first model.

export type CompletionState = 'on' | 'off' | 'noModel';

export function completionStatus(state: CompletionState): { text: string; tooltip: string; command: string } {
  switch (state) {
    case 'on':
      return { text: '$(sparkle) Complete', tooltip: 'Cellscope completions are on. Click to turn them off.', command: 'cellscope.toggleCompletions' };
    case 'off':
      return { text: '$(circle-slash) Complete', tooltip: 'Cellscope completions are off. Click to turn them on.', command: 'cellscope.toggleCompletions' };
    case 'noModel':
      return { text: '$(sparkle) Complete: no model', tooltip: 'Cellscope completes code once it has a model of this workspace. Click to run "Cellscope: Train on Workspace".', command: 'cellscope.trainWorkspace' };
  }
}
