package dev.neuronfit.io.onnx;

import static dev.neuronfit.io.onnx.OnnxFields.DIM_PARAM;
import static dev.neuronfit.io.onnx.OnnxFields.DIM_VALUE;
import static dev.neuronfit.io.onnx.OnnxFields.SHAPE_DIM;
import static dev.neuronfit.io.onnx.OnnxFields.TYPE_TENSOR;
import static dev.neuronfit.io.onnx.OnnxFields.TYPE_TENSOR_ELEM_TYPE;
import static dev.neuronfit.io.onnx.OnnxFields.TYPE_TENSOR_SHAPE;
import static dev.neuronfit.io.onnx.OnnxFields.VALUE_NAME;
import static dev.neuronfit.io.onnx.OnnxFields.VALUE_TYPE;
import static dev.neuronfit.io.pb.ProtoReader.LENGTH_DELIMITED;
import static dev.neuronfit.io.pb.ProtoReader.VARINT;

import dev.neuronfit.io.ReadLimits;
import dev.neuronfit.io.pb.ProtoReader;
import dev.neuronfit.model.DType;
import dev.neuronfit.model.ValueInfo;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads a ValueInfoProto (a graph input or output): its name, and for tensor types the element type
 * and the shape, with symbolic dimensions kept by name. Other types (sequences, maps) keep the name
 * only.
 */
final class OnnxValueInfo {
  private OnnxValueInfo() {}

  static ValueInfo read(ProtoReader r, int tag, String what, int maxString) throws IOException {
    r.expect(tag, LENGTH_DELIMITED, what);
    long token = r.beginMessage();
    String name = "";
    Optional<DType> elem = Optional.empty();
    List<ValueInfo.Dim> dims = new ArrayList<>();
    int t;
    while ((t = r.nextTag()) != -1) {
      switch (ProtoReader.fieldNumber(t)) {
        case VALUE_NAME -> {
          r.expect(t, LENGTH_DELIMITED, what + " name");
          name = r.readString(maxString, what + " name");
        }
        case VALUE_TYPE -> {
          r.expect(t, LENGTH_DELIMITED, what + " type");
          long typeToken = r.beginMessage();
          int tt;
          while ((tt = r.nextTag()) != -1) {
            if (ProtoReader.fieldNumber(tt) == TYPE_TENSOR
                && ProtoReader.wireType(tt) == LENGTH_DELIMITED) {
              long tensorToken = r.beginMessage();
              int x;
              while ((x = r.nextTag()) != -1) {
                if (ProtoReader.fieldNumber(x) == TYPE_TENSOR_ELEM_TYPE
                    && ProtoReader.wireType(x) == VARINT) {
                  elem = OnnxTypes.of(r.readVarint());
                } else if (ProtoReader.fieldNumber(x) == TYPE_TENSOR_SHAPE
                    && ProtoReader.wireType(x) == LENGTH_DELIMITED) {
                  shape(r, dims, maxString);
                } else {
                  r.skipValue(x);
                }
              }
              r.endMessage(tensorToken);
            } else {
              r.skipValue(tt);
            }
          }
          r.endMessage(typeToken);
        }
        default -> r.skipValue(t);
      }
    }
    r.endMessage(token);
    return new ValueInfo(name, elem, dims);
  }

  private static void shape(ProtoReader r, List<ValueInfo.Dim> dims, int maxString)
      throws IOException {
    long token = r.beginMessage();
    int t;
    while ((t = r.nextTag()) != -1) {
      if (ProtoReader.fieldNumber(t) != SHAPE_DIM || ProtoReader.wireType(t) != LENGTH_DELIMITED) {
        r.skipValue(t);
        continue;
      }
      long dimToken = r.beginMessage();
      ValueInfo.Dim dim = ValueInfo.Dim.symbolic("");
      int d;
      while ((d = r.nextTag()) != -1) {
        if (ProtoReader.fieldNumber(d) == DIM_VALUE && ProtoReader.wireType(d) == VARINT) {
          dim = ValueInfo.Dim.of(r.readVarint());
        } else if (ProtoReader.fieldNumber(d) == DIM_PARAM
            && ProtoReader.wireType(d) == LENGTH_DELIMITED) {
          dim = ValueInfo.Dim.symbolic(r.readString(maxString, "dim_param"));
        } else {
          r.skipValue(d);
        }
      }
      r.endMessage(dimToken);
      if (dims.size() < ReadLimits.MAX_RANK) {
        dims.add(dim);
      }
    }
    r.endMessage(token);
  }
}
