// Checking a message from another thread or from the webview before acting on it: a worker
// that trusts its messages dies on a `null` (and takes its pending requests with it), and a
// panel that trusts the webview asks the engine for cell −5. Each protocol describes the
// shape of every message it receives as a table, one Shape per field; UnionShapes makes the
// compiler insist on a Shape for every member of the union and every field of each.

/** The problem with `x` (at `at`, a path for the message), or null when it has this shape. */
export type Shape = (x: unknown, at: string) => string | null;

/** Per member of the union M, a Shape for each of its fields but `type`. */
export type UnionShapes<M extends { type: string }> = {
  [K in M['type']]: { [F in Exclude<keyof Extract<M, { type: K }>, 'type'>]-?: Shape };
};

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const shown = (x: unknown) => (typeof x === 'string' ? 'a string' : Array.isArray(x) ? 'a list' : x === null ? 'null' : typeof x === 'object' ? 'an object' : String(x));
const expect = (ok: boolean, at: string, x: unknown, want: string) => (ok ? null : `${at} is ${shown(x)}, not ${want}`);

export const text: Shape = (x, at) => expect(typeof x === 'string', at, x, 'a string');
export const flag: Shape = (x, at) => expect(typeof x === 'boolean', at, x, 'true or false');
export const whole = (min = 0, max = Number.MAX_SAFE_INTEGER): Shape => (x, at) =>
  expect(Number.isInteger(x) && (x as number) >= min && (x as number) <= max, at, x, `a whole number from ${min} to ${max}`);
export const number = (min = -Infinity, max = Infinity): Shape => (x, at) =>
  expect(typeof x === 'number' && x >= min && x <= max, at, x, `a number from ${min} to ${max}`);
export const oneOf = (values: readonly (string | number)[]): Shape => (x, at) => expect(values.includes(x as string | number), at, x, `one of ${values.join(', ')}`);
/** The shared Int32Array of one cancel flag. */
export const cancelFlag: Shape = (x, at) => expect(x instanceof Int32Array && x.length === 1 && x.buffer instanceof SharedArrayBuffer, at, x, 'a shared flag');
export const orNull = (shape: Shape): Shape => (x, at) => (x === null ? null : shape(x, at));

export function listOf(item: Shape): Shape {
  return (x, at) => {
    if (!Array.isArray(x)) return expect(false, at, x, 'a list');
    for (let i = 0; i < x.length; i++) {
      const problem = item(x[i], `${at}[${i}]`);
      if (problem) return problem;
    }
    return null;
  };
}

export function record(fields: Record<string, Shape>): Shape {
  return (x, at) => {
    if (!isObject(x)) return expect(false, at, x, 'an object');
    for (const [name, shape] of Object.entries(fields)) {
      const problem = shape(x[name], `${at}.${name}`);
      if (problem) return problem;
    }
    return null;
  };
}

/** What is wrong with `message` as a member of the union `shapes` describes; null when nothing. */
export function messageProblem<M extends { type: string }>(shapes: UnionShapes<M>, message: unknown): string | null {
  if (!isObject(message) || typeof message.type !== 'string' || !Object.hasOwn(shapes, message.type)) return `a message of no known type (${shown(message)})`;
  return record(shapes[message.type as M['type']] as Record<string, Shape>)(message, message.type);
}

/** The request id of a malformed message, when it has one to answer. */
export function requestId(message: unknown): number | undefined {
  return isObject(message) && Number.isInteger(message.id) ? (message.id as number) : undefined;
}
