// Builds minilm-standin: a stand-in for all-MiniLM-L6-v2 with the real model's architecture and shapes (BERT, 6
// layers, hidden 384, 12 heads, FFN 1536, 512 positions, a ~37k WordPiece vocabulary; inputs input_ids,
// attention_mask, token_type_ids -> last_hidden_state) and the onnx-community/Xenova export's file layout, but its
// own seeded weights, so it runs through the real transformers.js feature-extraction pipeline at the real model's
// cost. Its vocabulary is every 1-3 letter piece (and its "##" continuation), so words split into ~2 tokens where
// the real vocabulary keeps common words whole: a little more work per sentence than the real model, never less.
// The word embeddings dominate the (small) layer weights, so sentences that share words embed close together, as
// recall tests need. Built once per machine into the temp folder (about 150 MB), then reused.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { CatalogueEntry } from '../../main/core/contracts/models.js';
import { DataType, onnxModel, type Node, type Tensor } from './onnx-writer.js';
import { prng } from './prng.js';

export const STANDIN_NAME = 'minilm-standin';
export const HIDDEN = 384;
const LAYERS = 6;
const HEADS = 12;
const FFN = 1536;
const POSITIONS = 512;
/** Bump when the graph or the weights change, so a cached copy is rebuilt. */
const BUILD = 1;
export const STANDIN_FILES = ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model.onnx'];

const SPECIALS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'];

function vocabulary(): string[] {
  const letters = 'abcdefghijklmnopqrstuvwxyz'.split('');
  const grams: string[] = [...letters];
  for (const a of letters) for (const b of letters) grams.push(a + b);
  for (const a of letters) for (const b of letters) for (const c of letters) grams.push(a + b + c);
  const chars = '0123456789.,;:!?\'"()-/&%$@#*+=<>[]{}_~'.split('');
  return [...SPECIALS, ...chars, ...chars.map((c) => `##${c}`), ...grams, ...grams.map((g) => `##${g}`)];
}

function weights(name: string, dims: number[], std: number, next: () => number): Tensor {
  const n = dims.reduce((a, b) => a * b, 1);
  const data = new Float32Array(n);
  const a = std * Math.sqrt(3);
  for (let i = 0; i < n; i++) data[i] = (next() * 2 - 1) * a;
  return { name, dims, type: DataType.FLOAT, data };
}

const constant = (name: string, dims: number[], values: number[]): Tensor => ({ name, dims, type: DataType.FLOAT, data: Float32Array.from(values) });
const ints = (name: string, dims: number[], values: number[]): Tensor => ({ name, dims, type: DataType.INT64, data: BigInt64Array.from(values.map(BigInt)) });
const ones = (name: string) => constant(name, [HIDDEN], new Array<number>(HIDDEN).fill(1));
const zeros = (name: string, n = HIDDEN) => constant(name, [n], new Array<number>(n).fill(0));

function graphBytes(vocabSize: number): Uint8Array {
  const next = prng(0x6d696e69);
  const init: Tensor[] = [
    weights('word_emb', [vocabSize, HIDDEN], 0.5, next),
    weights('pos_emb', [POSITIONS, HIDDEN], 0.02, next),
    weights('type_emb', [2, HIDDEN], 0.02, next),
    ones('emb_ln_g'),
    zeros('emb_ln_b'),
    ints('i0', [], [0]),
    ints('i1', [], [1]),
    ints('mask_axes', [2], [1, 2]),
    ints('heads_shape', [4], [0, 0, HEADS, HIDDEN / HEADS]),
    ints('merge_shape', [3], [0, 0, HIDDEN]),
    constant('f1', [], [1]),
    constant('neg', [], [-10000]),
    constant('scale', [], [1 / Math.sqrt(HIDDEN / HEADS)]),
    constant('sqrt2', [], [Math.SQRT2]),
    constant('half', [], [0.5]),
  ];
  const nodes: Node[] = [];
  const op = (o: string, inputs: string[], output: string, attrs?: Node['attrs']) => {
    nodes.push({ op: o, inputs, outputs: [output], attrs });
    return output;
  };
  const ln = (x: string, g: string, b: string, out: string) => op('LayerNormalization', [x, g, b], out, [{ name: 'axis', i: -1 }, { name: 'epsilon', f: 1e-12 }]);
  const linear = (x: string, w: string, b: string, out: string) => op('Add', [op('MatMul', [x, w], `${out}_mm`), b], out);

  const shape = op('Shape', ['input_ids'], 'ids_shape');
  const seq = op('Gather', [shape, 'i1'], 'seq_len', [{ name: 'axis', i: 0 }]);
  const positions = op('Range', ['i0', seq, 'i1'], 'position_ids');
  const words = op('Gather', ['word_emb', 'input_ids'], 'words');
  const pos = op('Gather', ['pos_emb', positions], 'positions');
  const types = op('Gather', ['type_emb', 'token_type_ids'], 'types');
  let x = ln(op('Add', [op('Add', [words, pos], 'emb_wp'), types], 'emb_sum'), 'emb_ln_g', 'emb_ln_b', 'emb');
  const maskF = op('Cast', ['attention_mask'], 'mask_f', [{ name: 'to', i: DataType.FLOAT }]);
  const mask = op('Unsqueeze', [op('Mul', [op('Sub', ['f1', maskF], 'mask_inv'), 'neg'], 'mask_add'), 'mask_axes'], 'mask');

  for (let l = 0; l < LAYERS; l++) {
    const p = (s: string) => `l${l}_${s}`;
    for (const m of ['q', 'k', 'v', 'o']) init.push(weights(p(`${m}_w`), [HIDDEN, HIDDEN], 0.02, next), zeros(p(`${m}_b`)));
    init.push(ones(p('ln1_g')), zeros(p('ln1_b')), weights(p('f1_w'), [HIDDEN, FFN], 0.02, next), zeros(p('f1_b'), FFN), weights(p('f2_w'), [FFN, HIDDEN], 0.02, next), zeros(p('f2_b')), ones(p('ln2_g')), zeros(p('ln2_b')));
    const heads = (m: string, perm: number[]) => op('Transpose', [op('Reshape', [linear(x, p(`${m}_w`), p(`${m}_b`), p(m)), 'heads_shape'], p(`${m}_h`))], p(`${m}_t`), [{ name: 'perm', ints: perm }]);
    const q = heads('q', [0, 2, 1, 3]);
    const k = heads('k', [0, 2, 3, 1]);
    const v = heads('v', [0, 2, 1, 3]);
    const scores = op('Add', [op('Mul', [op('MatMul', [q, k], p('qk')), 'scale'], p('qk_s')), mask], p('scores'));
    const probs = op('Softmax', [scores], p('probs'), [{ name: 'axis', i: -1 }]);
    const ctx = op('Reshape', [op('Transpose', [op('MatMul', [probs, v], p('ctx_h'))], p('ctx_t'), [{ name: 'perm', ints: [0, 2, 1, 3] }]), 'merge_shape'], p('ctx'));
    const attn = ln(op('Add', [linear(ctx, p('o_w'), p('o_b'), p('o')), x], p('res1')), p('ln1_g'), p('ln1_b'), p('attn'));
    const h = linear(attn, p('f1_w'), p('f1_b'), p('f1'));
    // GELU as BERT's exports write it: x * 0.5 * (1 + erf(x / sqrt 2)).
    const gelu = op('Mul', [op('Mul', [h, op('Add', [op('Erf', [op('Div', [h, 'sqrt2'], p('g_div'))], p('g_erf')), 'f1'], p('g_add'))], p('g_mul')), 'half'], p('gelu'));
    x = ln(op('Add', [linear(gelu, p('f2_w'), p('f2_b'), p('f2')), attn], p('res2')), p('ln2_g'), p('ln2_b'), l === LAYERS - 1 ? 'last_hidden_state' : p('out'));
  }
  const io = (name: string) => ({ name, type: DataType.INT64, shape: ['batch_size', 'sequence_length'] });
  return onnxModel(
    {
      name: 'minilm_standin',
      nodes,
      initializers: init,
      inputs: [io('input_ids'), io('attention_mask'), io('token_type_ids')],
      outputs: [{ name: 'last_hidden_state', type: DataType.FLOAT, shape: ['batch_size', 'sequence_length', HIDDEN] }],
    },
    17,
  );
}

function writeJson(file: string, data: unknown): void {
  fs.writeFileSync(file, `${JSON.stringify(data, null, 2)}\n`);
}

/** Writes the stand-in's folder at `dir` (config, tokenizer, onnx/model.onnx). */
export function writeMiniLmStandIn(dir: string): void {
  const vocab = vocabulary();
  fs.mkdirSync(path.join(dir, 'onnx'), { recursive: true });
  writeJson(path.join(dir, 'config.json'), {
    model_type: 'bert',
    architectures: ['BertModel'],
    hidden_size: HIDDEN,
    num_hidden_layers: LAYERS,
    num_attention_heads: HEADS,
    intermediate_size: FFN,
    hidden_act: 'gelu',
    max_position_embeddings: POSITIONS,
    type_vocab_size: 2,
    vocab_size: vocab.length,
    layer_norm_eps: 1e-12,
    pad_token_id: 0,
  });
  const special = (t: string) => ({ id: t, ids: [vocab.indexOf(t)], tokens: [t] });
  writeJson(path.join(dir, 'tokenizer.json'), {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: SPECIALS.map((content, id) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true })),
    normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [{ SpecialToken: { id: '[CLS]', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '[SEP]', type_id: 0 } }],
      pair: [{ SpecialToken: { id: '[CLS]', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '[SEP]', type_id: 0 } }, { Sequence: { id: 'B', type_id: 1 } }, { SpecialToken: { id: '[SEP]', type_id: 1 } }],
      special_tokens: { '[CLS]': special('[CLS]'), '[SEP]': special('[SEP]') },
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: { type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##', max_input_chars_per_word: 100, vocab: Object.fromEntries(vocab.map((t, i) => [t, i])) },
  });
  writeJson(path.join(dir, 'tokenizer_config.json'), {
    tokenizer_class: 'BertTokenizer',
    do_lower_case: true,
    model_max_length: POSITIONS,
    cls_token: '[CLS]',
    sep_token: '[SEP]',
    pad_token: '[PAD]',
    unk_token: '[UNK]',
    mask_token: '[MASK]',
  });
  fs.writeFileSync(path.join(dir, 'onnx', 'model.onnx'), graphBytes(vocab.length));
}

/** A models folder that holds minilm-standin, built on first use on this machine and shared by later runs. */
export function miniLmModelsDir(): string {
  const stamp = createHash('sha256').update(`${BUILD}`).digest('hex').slice(0, 12);
  const root = path.join(os.tmpdir(), `jett-minilm-standin-${stamp}`);
  const done = path.join(root, STANDIN_NAME, '.complete');
  if (fs.existsSync(done)) return root;
  // Built beside and renamed into place, so two test files starting together never see half a model.
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'jett-minilm-build-'));
  writeMiniLmStandIn(path.join(work, STANDIN_NAME));
  fs.writeFileSync(path.join(work, STANDIN_NAME, '.complete'), '');
  try {
    fs.renameSync(work, root);
  } catch {
    fs.rmSync(work, { recursive: true, force: true });
  }
  return root;
}

/** A catalogue entry for the stand-in, as the engine sees one. */
export const standInEntry: CatalogueEntry = {
  name: STANDIN_NAME,
  task: 'embed',
  engine: 'bert',
  languages: 'en',
  description: 'test stand-in with all-MiniLM-L6-v2 shapes and its own weights',
  repo: 'jett/minilm-standin',
  revision: null,
  sources: ['test/helpers/minilm-standin.ts'],
  approxBytes: 150_000_000,
  files: STANDIN_FILES.map((p) => ({ path: p, bytes: null, sha256: null })),
};
