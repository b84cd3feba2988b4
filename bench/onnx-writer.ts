/**
 * A minimal ONNX (protobuf) writer for one-node float32 graphs: the MatMul that measures a
 * device's peak, and the Conv/MatMul/Gemm graphs the FLOP counter is checked against. Field numbers
 * are those of onnx.proto3 (ModelProto, GraphProto, NodeProto, ValueInfoProto, TensorShapeProto).
 */

/** An attribute value: an int, a list of ints or a float. */
export type AttributeValue = number | number[] | { float: number }

/** One graph with one node; every input is a graph input (no initializers). */
export type OneNodeGraph = {
  op: string
  inputs: { name: string; dims: number[] }[]
  output: { name: string; dims: number[] }
  attributes?: Record<string, AttributeValue>
  /** default 17 */
  opset?: number
}

const FLOAT = 1

class Writer {
  private readonly parts: number[] = []
  varint(v: number | bigint): this {
    let x = BigInt.asUintN(64, BigInt(v))
    do {
      let byte = Number(x & 0x7fn)
      x >>= 7n
      if (x > 0n) byte |= 0x80
      this.parts.push(byte)
    } while (x > 0n)
    return this
  }
  tag(field: number, wire: number): this {
    return this.varint((field << 3) | wire)
  }
  int(field: number, v: number): this {
    return this.tag(field, 0).varint(v)
  }
  bytes(field: number, b: Uint8Array): this {
    this.tag(field, 2).varint(b.length)
    for (const x of b) this.parts.push(x)
    return this
  }
  string(field: number, s: string): this {
    return this.bytes(field, new TextEncoder().encode(s))
  }
  message(field: number, w: Writer): this {
    return this.bytes(field, w.finish())
  }
  float(field: number, v: number): this {
    this.tag(field, 5)
    const b = new Uint8Array(4)
    new DataView(b.buffer).setFloat32(0, v, true)
    for (const x of b) this.parts.push(x)
    return this
  }
  finish(): Uint8Array {
    return Uint8Array.from(this.parts)
  }
}

function valueInfo(name: string, dims: number[]): Writer {
  const shape = new Writer()
  for (const d of dims) shape.message(1, new Writer().int(1, d)) // Dimension.dim_value
  const tensorType = new Writer().int(1, FLOAT).message(2, shape) // elem_type, shape
  return new Writer().string(1, name).message(2, new Writer().message(1, tensorType)) // name, type.tensor_type
}

function attribute(name: string, value: AttributeValue): Writer {
  const w = new Writer().string(1, name)
  if (typeof value === 'number') return w.int(3, value).int(20, 2) // i, type INT
  if (Array.isArray(value)) {
    for (const v of value) w.int(8, v) // ints (unpacked)
    return w.int(20, 7) // type INTS
  }
  return w.float(2, value.float).int(20, 1) // f, type FLOAT
}

/** Serialises a one-node graph as an ONNX model (IR version 8). */
export function oneNodeModel(g: OneNodeGraph): Uint8Array {
  const node = new Writer()
  for (const i of g.inputs) node.string(1, i.name)
  node.string(2, g.output.name).string(3, `${g.op.toLowerCase()}_0`).string(4, g.op)
  for (const [k, v] of Object.entries(g.attributes ?? {})) node.message(5, attribute(k, v))
  const graph = new Writer().message(1, node).string(2, `one_${g.op.toLowerCase()}`)
  for (const i of g.inputs) graph.message(11, valueInfo(i.name, i.dims))
  graph.message(12, valueInfo(g.output.name, g.output.dims))
  const opset = new Writer().string(1, '').int(2, g.opset ?? 17)
  return new Writer().int(1, 8).string(2, 'emolane-bench').message(7, graph).message(8, opset).finish()
}

/** A MatMul of [m, k] by [k, n]. */
export function matMulModel(m: number, k: number, n: number): Uint8Array {
  return oneNodeModel({ op: 'MatMul', inputs: [{ name: 'a', dims: [m, k] }, { name: 'b', dims: [k, n] }], output: { name: 'y', dims: [m, n] } })
}
