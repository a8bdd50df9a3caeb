import type { GradSaveFunc, Tensor, Tensor2D, TfModule } from '../tf/index.ts'

type Tf = TfModule

/**
 * The first layer of a sparse batch: out[r] = Σ vals[p]·W[cols[p]] over the entries p of row r, shape [rows, d].
 * tf.gather's own gradient needs UnsortedSegmentSum, which the wasm backend lacks, so the gradient is written
 * here with scatterND (duplicates summed): dW = scatter(cols, vals·dy[rowIds]).
 */
export function sparseRowsTimes(
  tf: Tf,
  w: Tensor2D,
  entries: { rowIds: Tensor2D; cols: Tensor2D; vals: Tensor2D; rows: number },
): Tensor2D {
  const [items, dim] = w.shape
  const op = tf.customGrad((x, save) => {
    const weights = x as Tensor2D
    ;(save as GradSaveFunc)([weights])
    const picked = tf.mul(tf.gatherND(weights, entries.cols), entries.vals)
    return {
      value: tf.scatterND(entries.rowIds, picked, [entries.rows, dim]),
      gradFunc: (dy: Tensor) => tf.scatterND(entries.cols, tf.mul(tf.gatherND(dy, entries.rowIds), entries.vals), [items, dim]),
    }
  })
  return op(w) as Tensor2D
}

/** log σ(x) as −softplus(−x): tf.logSigmoid's gradient throws on wasm and cpu. */
export function logSigmoid(tf: Tf, x: Tensor): Tensor {
  return tf.neg(tf.softplus(tf.neg(x)))
}

/**
 * a·b with a gradient that transposes explicitly: the wasm backend's transposed matMul (used by the stock
 * gradient) runs several times slower than a transpose followed by a plain matMul.
 */
export function matMulFast(tf: Tf, a: Tensor2D, b: Tensor2D): Tensor2D {
  const op = tf.customGrad((x, y, save) => {
    const left = x as Tensor2D
    const right = y as Tensor2D
    ;(save as GradSaveFunc)([left, right])
    return {
      value: tf.matMul(left, right),
      gradFunc: (dy: Tensor, saved: Tensor[]) => {
        const [sa, sb] = saved as [Tensor2D, Tensor2D]
        return [tf.matMul(dy as Tensor2D, tf.transpose(sb)), tf.matMul(tf.transpose(sa), dy as Tensor2D)]
      },
    }
  })
  return op(a, b) as Tensor2D
}
