// A problem the user can fix (a bad folder, a damaged model, a size that does not fit): its
// message is one sentence saying what happened, to which file, and what to do. The CLI ends
// with exit status 2 and that sentence; any other error is a bug and shows its stack.

export class UserError extends Error {}
