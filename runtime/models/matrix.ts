/** A dense row-major matrix of numbers; NaN marks a missing value before preprocessing. */
export interface Matrix {
  rows: number;
  cols: number;
  data: Float64Array;
}

export function matrix(rows: number, cols: number, data?: Float64Array): Matrix {
  return { rows, cols, data: data ?? new Float64Array(rows * cols) };
}

/** Builds a matrix from row arrays (tests and small inputs). */
export function fromRows(rows: ReadonlyArray<ReadonlyArray<number>>): Matrix {
  const cols = rows[0]?.length ?? 0;
  const m = matrix(rows.length, cols);
  rows.forEach((row, i) => row.forEach((v, j) => (m.data[i * cols + j] = v)));
  return m;
}

/** The rows at `indices`, in that order. */
export function takeRows(m: Matrix, indices: ArrayLike<number>): Matrix {
  const out = matrix(indices.length, m.cols);
  for (let i = 0; i < indices.length; i++) {
    const src = indices[i]! * m.cols;
    out.data.set(m.data.subarray(src, src + m.cols), i * m.cols);
  }
  return out;
}

/** The columns at `indices`, in that order. */
export function takeColumns(m: Matrix, indices: readonly number[]): Matrix {
  const out = matrix(m.rows, indices.length);
  for (let i = 0; i < m.rows; i++) {
    for (let j = 0; j < indices.length; j++) out.data[i * indices.length + j] = m.data[i * m.cols + indices[j]!]!;
  }
  return out;
}

export function takeValues(values: Float64Array, indices: ArrayLike<number>): Float64Array {
  const out = new Float64Array(indices.length);
  for (let i = 0; i < indices.length; i++) out[i] = values[indices[i]!]!;
  return out;
}

export function column(m: Matrix, j: number): Float64Array {
  const out = new Float64Array(m.rows);
  for (let i = 0; i < m.rows; i++) out[i] = m.data[i * m.cols + j]!;
  return out;
}

const DAY_MS = 86_400_000;

/**
 * A feature value as a number: booleans 0/1, timestamps as days since 1970, missing as NaN.
 * Strings cannot be a model input; the caller reports them.
 */
export function toNumber(value: unknown): number | 'string' {
  if (value === null || value === undefined) return NaN;
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof Date) return value.getTime() / DAY_MS;
  return 'string';
}
