package dev.neuronfit.io.onnx;

import dev.neuronfit.io.ModelFiles;
import dev.neuronfit.io.ModelFormatException;
import dev.neuronfit.model.DType;
import dev.neuronfit.model.Graph;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks the external-data references of ONNX initializers without opening the data files: the
 * location must be a relative path that stays inside the model's folder (an absolute path or one
 * that climbs out is refused, the flaw behind CVE-2022-25882 in the onnx library), and offset plus
 * length must fit the data file's size, which is read from the file system, not from the file.
 */
final class ExternalData {
  /** A Windows drive letter, as in {@code C:weights.bin} or {@code C:\\weights.bin}. */
  private static final Pattern DRIVE = Pattern.compile("[A-Za-z]:");

  private final Path model;
  private final Path folder;
  private final Set<String> missing = new LinkedHashSet<>();

  /**
   * Data file sizes by normalized path (-1 when missing): a model may list hundreds of thousands of
   * tensors in one file, and a stat per tensor made such a file take many seconds.
   */
  private final Map<Path, Long> sizes = new HashMap<>();

  ExternalData(Path model, Path folder) {
    this.model = model;
    this.folder = folder;
  }

  /** Validates one external tensor and says where its bytes are. */
  Graph.ExternalRef check(OnnxTensor t) throws IOException {
    Map<String, String> ext = t.external();
    String location = ext.get("location");
    String place = "tensor \"" + t.name() + "\" external_data";
    Path rel;
    try {
      rel = Path.of(location);
    } catch (InvalidPathException e) {
      throw new ModelFormatException(
          model, place, "location \"" + location + "\" is not a valid path");
    }
    if (location.isEmpty()
        || rel.isAbsolute()
        || location.startsWith("/")
        || location.startsWith("\\")
        || DRIVE.matcher(location).lookingAt()) {
      throw new ModelFormatException(
          model,
          place,
          "location \""
              + location
              + "\" is absolute; only paths inside the model's folder are read (see CVE-2022-25882)");
    }
    Path base = folder.toAbsolutePath().normalize();
    Path data = base.resolve(rel).normalize();
    if (!data.startsWith(base) || location.contains("\\")) {
      throw new ModelFormatException(
          model,
          place,
          "location \"" + location + "\" leaves the model's folder (see CVE-2022-25882)");
    }
    long offset = number(ext, "offset", 0, place);
    long length = number(ext, "length", -1, place);
    long expected = t.dtype() == DType.STRING ? -1 : t.dtype().bytesFor(t.elements());
    if (length >= 0 && expected >= 0 && length != expected) {
      throw new ModelFormatException(
          model,
          place,
          "length " + length + " but " + t.dtype() + " " + t.dims() + " needs " + expected
              + " bytes");
    }
    long bytes = length >= 0 ? length : Math.max(expected, 0);
    Long known = sizes.get(data);
    if (known == null) {
      known = Files.exists(data) ? statSize(data, base, location, place) : -1L;
      sizes.put(data, known);
    }
    if (known >= 0) {
      long size = known;
      if (length < 0) {
        bytes = expected >= 0 ? expected : size - offset;
      }
      if (offset > size || bytes > size - offset) {
        throw new ModelFormatException(
            model,
            place,
            "offset "
                + offset
                + " + length "
                + bytes
                + " runs past the end of "
                + location
                + " ("
                + size
                + " bytes)");
      }
    } else {
      missing.add(location);
    }
    return new Graph.ExternalRef(location, offset, bytes);
  }

  /**
   * The size of a data file, from a stat under the one file policy ({@link ModelFiles#size}): the
   * file is never opened, so a FIFO or device cannot block the reader and a huge or unreadable file
   * costs nothing; a link out of the model's folder, a FIFO or a system entry is refused with the
   * policy's reason.
   */
  private long statSize(Path data, Path base, String location, String place)
      throws ModelFormatException {
    try {
      return ModelFiles.size(data, base, data);
    } catch (ModelFormatException e) {
      throw new ModelFormatException(
          model, place, "location \"" + location + "\" is refused: " + e.problem(), e);
    } catch (IOException e) {
      throw new ModelFormatException(
          model, place, "cannot check data file \"" + location + "\": " + e, e);
    }
  }

  private long number(Map<String, String> ext, String key, long dflt, String place)
      throws ModelFormatException {
    String v = ext.get(key);
    if (v == null) {
      return dflt;
    }
    try {
      long n = Long.parseLong(v.strip());
      if (n < 0) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new ModelFormatException(
          model, place, key + " \"" + v + "\" is not a non-negative integer");
    }
  }

  /** Notes for data files that are not beside the model (sizes then come from the dims). */
  List<String> notes() {
    List<String> out = new ArrayList<>();
    for (String m : missing) {
      out.add(
          "external data file "
              + m
              + " is not in the model's folder; sizes come from the tensor dims");
    }
    return out;
  }
}
