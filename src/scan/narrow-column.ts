/**
 * The packed inventory's columns of small counts (scan/inventory.ts) (an account's or a profile's index, a bucket's destination count): 16
 * bits a value while every value fits, widened to 32 bits the first time one does not (more than
 * 65,535 accounts, profiles or destinations on one bucket). 6 bytes a name less than three 32-bit
 * columns, out of ~75 (docs/memory.md).
 */
export type Narrow = Uint16Array | Uint32Array;
const NARROW_MAX = 0xffff;

export function grownNarrow(array: Narrow, needed: number): Narrow {
  if (needed <= array.length) return array;
  const next = array instanceof Uint16Array ? new Uint16Array(Math.max(needed, Math.ceil(array.length * 1.5))) : new Uint32Array(Math.max(needed, Math.ceil(array.length * 1.5)));
  next.set(array);
  return next;
}

/** Writes `value` at `index`, widening the column first when it does not fit in 16 bits; returns the column to keep. */
export function put(array: Narrow, index: number, value: number): Narrow {
  if (value > NARROW_MAX && array instanceof Uint16Array) {
    const wide = new Uint32Array(array.length);
    wide.set(array);
    array = wide;
  }
  array[index] = value;
  return array;
}
