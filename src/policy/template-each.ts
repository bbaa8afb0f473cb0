/**
 * Handlebars 4.7's `#each` over JSON data, shared by both template renderers (the closures of
 * template-compile.ts and the generated code of template-codegen.ts): arrays by index (holes
 * skipped), objects by their own keys, each step with `@key`, `@index`, `@first`, `@last` in a child
 * frame; nothing to iterate renders the `{{else}}` part. Any other iterable is refused by
 * `refuseIterable` (each renderer throws its own kind of error).
 */
export type Frame = Record<string, unknown>;
type Block = (context: unknown, data: Frame) => unknown;

export function eachOf(list: unknown, ctx: unknown, data: Frame, fn: Block, inverse: Block, refuseIterable: () => never): unknown {
  let out: unknown = "";
  let count = 0;
  if (list && typeof list === "object") {
    const frame: Frame = { ...data, _parent: data };
    const step = (field: string | number, index: number, last: boolean): void => {
      frame["key"] = field;
      frame["index"] = index;
      frame["first"] = index === 0;
      frame["last"] = last;
      out = (out as string) + (fn((list as Record<string | number, unknown>)[field], frame) as string);
    };
    if (Array.isArray(list)) {
      for (; count < list.length; count++) if (count in list) step(count, count, count === list.length - 1);
    } else if (typeof (list as { [Symbol.iterator]?: unknown })[Symbol.iterator] === "function") {
      refuseIterable();
    } else {
      const keys = Object.keys(list);
      for (; count < keys.length; count++) step(keys[count] as string, count, count === keys.length - 1);
    }
  }
  return count === 0 ? inverse(ctx, data) : out;
}
