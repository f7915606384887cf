// A minimal ONNX protobuf writer (the handful of messages a plain graph needs), so the tests build their stand-in
// models in Node without Python: field numbers from onnx/onnx.proto (ModelProto, GraphProto, NodeProto,
// AttributeProto, TensorProto, ValueInfoProto, TypeProto, TensorShapeProto, OperatorSetIdProto).

type Bytes = Uint8Array;

function varint(value: number | bigint): number[] {
  let v = BigInt.asUintN(64, BigInt(value));
  const out: number[] = [];
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return out;
}

const key = (field: number, wire: number) => varint((field << 3) | wire);

function concat(parts: Bytes[]): Bytes {
  const total = parts.reduce((s, p) => s + p.length, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const int = (field: number, v: number | bigint): Bytes => Uint8Array.from([...key(field, 0), ...varint(v)]);
const bytes = (field: number, b: Bytes): Bytes => concat([Uint8Array.from([...key(field, 2), ...varint(b.length)]), b]);
const str = (field: number, s: string): Bytes => bytes(field, new TextEncoder().encode(s));
const float = (field: number, f: number): Bytes => {
  const k = key(field, 5);
  const b = new Uint8Array(k.length + 4);
  b.set(k);
  new DataView(b.buffer).setFloat32(k.length, f, true);
  return b;
};

export const DataType = { FLOAT: 1, INT64: 7 } as const;

export interface Tensor {
  name: string;
  dims: number[];
  type: (typeof DataType)[keyof typeof DataType];
  data: Float32Array | BigInt64Array;
}

function tensor(t: Tensor): Bytes {
  const raw = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
  return concat([...t.dims.map((d) => int(1, d)), int(2, t.type), str(8, t.name), bytes(9, raw)]);
}

export type Attr = { name: string } & ({ i: number } | { f: number } | { ints: number[] } | { t: Tensor });

function attribute(a: Attr): Bytes {
  if ('i' in a) return concat([str(1, a.name), int(3, a.i), int(20, 2)]);
  if ('f' in a) return concat([str(1, a.name), float(2, a.f), int(20, 1)]);
  if ('ints' in a) return concat([str(1, a.name), ...a.ints.map((v) => int(8, v)), int(20, 7)]);
  return concat([str(1, a.name), bytes(5, tensor(a.t)), int(20, 4)]);
}

export interface Node {
  op: string;
  inputs: string[];
  outputs: string[];
  attrs?: Attr[];
}

function node(n: Node, i: number): Bytes {
  return concat([...n.inputs.map((s) => str(1, s)), ...n.outputs.map((s) => str(2, s)), str(3, `${n.op}_${i}`), str(4, n.op), ...(n.attrs ?? []).map((a) => bytes(5, attribute(a)))]);
}

export interface ValueInfo {
  name: string;
  type: (typeof DataType)[keyof typeof DataType];
  /** A number is a fixed size, a string a named dynamic axis. */
  shape: (number | string)[];
}

function valueInfo(v: ValueInfo): Bytes {
  const dims = v.shape.map((d) => bytes(1, typeof d === 'number' ? int(1, d) : str(2, d)));
  const tensorType = concat([int(1, v.type), bytes(2, concat(dims))]);
  return concat([str(1, v.name), bytes(2, bytes(1, tensorType))]);
}

export interface Graph {
  name: string;
  nodes: Node[];
  initializers: Tensor[];
  inputs: ValueInfo[];
  outputs: ValueInfo[];
}

/** A serialized ModelProto (IR version 8) for the default domain at `opset`. */
export function onnxModel(graph: Graph, opset: number): Bytes {
  const g = concat([...graph.nodes.map((n, i) => bytes(1, node(n, i))), str(2, graph.name), ...graph.initializers.map((t) => bytes(5, tensor(t))), ...graph.inputs.map((v) => bytes(11, valueInfo(v))), ...graph.outputs.map((v) => bytes(12, valueInfo(v)))]);
  return concat([int(1, 8), str(2, 'jett-tests'), bytes(7, g), bytes(8, concat([str(1, ''), int(2, opset)]))]);
}
