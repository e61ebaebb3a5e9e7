// A small builder over onnx-proto so the exporters read as a list of ops. Tensors are written as
// little-endian raw_data: protobufjs' packed float/int64 paths are slower and int64 needs Long.
import onnxProto from 'onnx-proto';

export const { onnx } = onnxProto;

/** ir_version 8 + opset 17: what onnxruntime 1.30 and Debian's python3-onnx 1.12 checker both accept. */
export const IR_VERSION = 8;
export const OPSET = 17;

type Attr = number | number[] | string;

export class GraphBuilder {
  readonly nodes: onnxProto.onnx.INodeProto[] = [];
  readonly initializers: onnxProto.onnx.ITensorProto[] = [];
  private n = 0;

  /** Adds a node and returns the name of its (single) output. */
  op(opType: string, inputs: string[], attrs: Record<string, Attr> = {}, output?: string): string {
    const out = output ?? `${opType.toLowerCase()}_${this.n++}`;
    const attribute = Object.entries(attrs).map(([name, v]) => attrProto(name, v));
    this.nodes.push({ opType, input: inputs, output: [out], name: `${opType}_${this.nodes.length}`, attribute });
    return out;
  }

  float(name: string, dims: number[], data: Float32Array): string {
    if (data.length !== dims.reduce((a, b) => a * b, 1)) throw new Error(`${name}: ${data.length} values for shape [${dims}]`);
    this.initializers.push({ name, dims, dataType: onnx.TensorProto.DataType.FLOAT, rawData: leBytes(data) });
    return name;
  }

  int64(name: string, values: number[]): string {
    const data = BigInt64Array.from(values.map((v) => BigInt(v)));
    this.initializers.push({ name, dims: [values.length], dataType: onnx.TensorProto.DataType.INT64, rawData: leBytes(data) });
    return name;
  }

  model(
    name: string,
    input: { name: string; dims: (number | string)[] },
    output: { name: string; dims: (number | string)[] },
    meta: Record<string, string>,
  ): Uint8Array {
    const model = onnx.ModelProto.create({
      irVersion: IR_VERSION,
      opsetImport: [{ domain: '', version: OPSET }],
      producerName: 'micon-studio',
      graph: {
        name,
        node: this.nodes,
        initializer: this.initializers,
        input: [valueInfo(input.name, input.dims)],
        output: [valueInfo(output.name, output.dims)],
      },
      metadataProps: Object.entries(meta).map(([key, value]) => ({ key, value })),
    });
    return onnx.ModelProto.encode(model).finish();
  }
}

function attrProto(name: string, v: Attr): onnxProto.onnx.IAttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  if (typeof v === 'string') return { name, type: T.STRING, s: new TextEncoder().encode(v) };
  if (Array.isArray(v)) return { name, type: T.INTS, ints: v };
  return { name, type: T.INT, i: v };
}

function valueInfo(name: string, dims: (number | string)[]): onnxProto.onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: onnx.TensorProto.DataType.FLOAT,
        shape: { dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) },
      },
    },
  };
}

const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function leBytes(a: Float32Array | BigInt64Array): Uint8Array {
  const bytes = new Uint8Array(a.buffer, a.byteOffset, a.byteLength).slice();
  if (!littleEndian) {
    const w = a.BYTES_PER_ELEMENT;
    for (let i = 0; i < bytes.length; i += w) bytes.subarray(i, i + w).reverse();
  }
  return bytes;
}
