import { copyFile, mkdir, readdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import onnxProto from 'onnx-proto'
import { seededRandom } from '../../src/core/index.ts'
import { sharedModelsDir } from './data.ts'
import { writeTinyTokenizer } from './tokenizer.ts'

const { onnx } = onnxProto

export interface TinyOnnxModelOptions {
  /** Embedding width of the model; default 32. */
  dimension?: number
  /** Rows of the embedding matrix; must cover the tokenizer's ids (MiniLM: 30522). */
  vocabSize?: number
  /** Seed of the embedding weights; same seed, same model. */
  seed?: number
}

/**
 * Writes a tiny BERT-shaped ONNX model to `<dir>/onnx/model.onnx`: inputs input_ids, attention_mask and
 * token_type_ids (int64 [batch, seq]); output last_hidden_state (float [batch, seq, dim]) =
 * (word_embedding[input_ids] + type_embedding[token_type_ids]) * attention_mask. Weights are seeded noise.
 */
export interface TinyOnnxModel {
  /** Path of the written model.onnx. */
  path: string
  dimension: number
  /** The word embedding matrix, vocabSize × dimension, row-major. */
  words: Float32Array
  /** The token type embedding matrix, 2 × dimension. */
  types: Float32Array
}

export async function writeTinyOnnxModel(dir: string, options: TinyOnnxModelOptions = {}): Promise<TinyOnnxModel> {
  const dim = options.dimension ?? 32
  const vocab = options.vocabSize ?? 30522
  const random = seededRandom(options.seed ?? 7)
  const words = new Float32Array(vocab * dim)
  for (let i = 0; i < words.length; i++) words[i] = random() * 2 - 1
  const types = new Float32Array(2 * dim)
  for (let i = 0; i < types.length; i++) types[i] = (random() * 2 - 1) * 0.1

  const F = onnx.TensorProto.DataType.FLOAT
  const I64 = onnx.TensorProto.DataType.INT64
  const dims = (...names: (string | number)[]) => ({
    dim: names.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })),
  })
  const input = (name: string) => ({ name, type: { tensorType: { elemType: I64, shape: dims('batch', 'seq') } } })
  const floatTensor = (name: string, shape: number[], data: Float32Array) => ({
    name,
    dims: shape,
    dataType: F,
    rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
  })

  const graph = {
    name: 'tiny-bert',
    input: [input('input_ids'), input('attention_mask'), input('token_type_ids')],
    output: [{ name: 'last_hidden_state', type: { tensorType: { elemType: F, shape: dims('batch', 'seq', dim) } } }],
    initializer: [
      floatTensor('word_embeddings', [vocab, dim], words),
      floatTensor('type_embeddings', [2, dim], types),
      { name: 'last_axis', dims: [1], dataType: I64, int64Data: [-1] },
    ],
    node: [
      { opType: 'Gather', input: ['word_embeddings', 'input_ids'], output: ['word_vectors'], attribute: [axis0()] },
      { opType: 'Gather', input: ['type_embeddings', 'token_type_ids'], output: ['type_vectors'], attribute: [axis0()] },
      { opType: 'Add', input: ['word_vectors', 'type_vectors'], output: ['summed'] },
      {
        opType: 'Cast',
        input: ['attention_mask'],
        output: ['mask_float'],
        attribute: [{ name: 'to', type: onnx.AttributeProto.AttributeType.INT, i: F }],
      },
      { opType: 'Unsqueeze', input: ['mask_float', 'last_axis'], output: ['mask3'] },
      { opType: 'Mul', input: ['summed', 'mask3'], output: ['last_hidden_state'] },
    ],
  }
  const model = onnx.ModelProto.create({
    irVersion: 7,
    opsetImport: [{ domain: '', version: 13 }],
    producerName: 'concierge-test',
    graph,
  })
  const bytes = onnx.ModelProto.encode(model).finish()
  await mkdir(join(dir, 'onnx'), { recursive: true })
  const path = join(dir, 'onnx', 'model.onnx')
  await writeFile(path, bytes)
  return { path, dimension: dim, words, types }
}

export interface TinyTransformersModelOptions extends Omit<TinyOnnxModelOptions, 'vocabSize'> {
  /**
   * `tiny` (default): the small WordPiece tokenizer the tests write (`tokenizer.ts`), so a clone without
   * ../shared runs every test. `minilm`: the real MiniLM tokenizer from ../shared/models (throws when absent).
   */
  tokenizer?: 'tiny' | 'minilm'
}

/**
 * Builds a complete local transformers.js model folder in `dir`: the tiny ONNX model, a BERT config and a tokenizer
 * (see `TinyTransformersModelOptions.tokenizer`). Returns the model's weights for oracle checks.
 */
export async function writeTinyTransformersModel(
  dir: string,
  options: TinyTransformersModelOptions = {},
): Promise<TinyOnnxModel> {
  await mkdir(dir, { recursive: true })
  const vocabSize = options.tokenizer === 'minilm' ? await copyMiniLmTokenizer(dir) : await writeTinyTokenizer(dir)
  const model = await writeTinyOnnxModel(dir, { ...options, vocabSize })
  if (options.tokenizer !== 'minilm') {
    const config = {
      architectures: ['BertModel'],
      model_type: 'bert',
      hidden_size: model.dimension,
      vocab_size: vocabSize,
      type_vocab_size: 2,
      pad_token_id: 0,
    }
    await writeFile(join(dir, 'config.json'), JSON.stringify(config))
  }
  return model
}

/** Copies the MiniLM tokenizer and config from ../shared/models into `dir`; returns its vocabulary size. */
async function copyMiniLmTokenizer(dir: string): Promise<number> {
  const shared = sharedModelsDir()
  if (!shared) throw new Error('No ../shared/models folder with the MiniLM tokenizer')
  const tokenizerDir = join(shared, 'all-MiniLM-L6-v2-tokenizer')
  for (const file of await readdir(tokenizerDir)) {
    if (file.endsWith('.json') || file.endsWith('.txt')) await copyFile(join(tokenizerDir, file), join(dir, file))
  }
  return 30522
}

function axis0() {
  return { name: 'axis', type: onnx.AttributeProto.AttributeType.INT, i: 0 }
}
