package dev.neuronfit.io.hub;

import dev.neuronfit.io.ModelFormatException;
import dev.neuronfit.io.ModelLocator;
import dev.neuronfit.io.ReadLimits;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a command-line argument names: a local file or folder when one exists at that path (it wins
 * over an id spelt the same), else a model on the Hub when the argument is spelt as an id.
 *
 * <p>The Hub's settings are read only when an id is met, so checks of local paths never look at the
 * network settings or caches.
 */
public final class ModelArguments {
  /** Where the Hub's settings come from; called at most once. */
  public interface SettingsSource {
    HubSettings get() throws IOException;
  }

  static final String ID_FORMS =
      "ORG/NAME, ORG/NAME@REVISION, hf://ORG/NAME or https://huggingface.co/ORG/NAME";

  private final ReadLimits limits;
  private final SettingsSource source;
  private HubModels hub;

  public ModelArguments(ReadLimits limits, SettingsSource source) {
    this.limits = Objects.requireNonNull(limits, "limits");
    this.source = Objects.requireNonNull(source, "source");
  }

  /** The local path an argument names, when something exists there. */
  public static Optional<Path> existing(String argument) {
    try {
      Path p = Path.of(argument);
      return Files.exists(p, LinkOption.NOFOLLOW_LINKS) ? Optional.of(p) : Optional.empty();
    } catch (InvalidPathException e) {
      return Optional.empty();
    }
  }

  /**
   * The models an argument names.
   *
   * @throws ModelFormatException when it is neither an existing path nor an id, or a local model is
   *     malformed
   * @throws HubException when the model on the Hub cannot be had
   */
  public List<ModelLocator.Located> locate(String argument) throws IOException {
    Optional<Path> local = existing(argument);
    if (local.isPresent()) {
      return new ModelLocator(limits).locate(local.get());
    }
    Optional<HubId> id = HubId.parse(argument);
    if (id.isPresent()) {
      try {
        return hub().locate(id.get());
      } catch (HubException e) {
        if (e.noSuchModel() && !argument.contains(":")) {
          // a mistyped local path is spelt like an id too: say both what was tried
          throw new HubException(
              "no file or folder " + argument + " here; as a Hub id: " + e.getMessage(), e);
        }
        throw e;
      }
    }
    Path shown;
    try {
      shown = Path.of(argument);
    } catch (InvalidPathException e) {
      shown = Path.of(argument.replaceAll("[^\\p{Print}]", "?").replace('\0', '?'));
    }
    throw new ModelFormatException(
        shown,
        "",
        "no such file or folder, and not a Hugging Face model id ("
            + ID_FORMS
            + "): check the spelling, or give the path of a local model");
  }

  /**
   * The models an id names on the Hub, never a local path: the lines of {@code scan --ids FILE}.
   *
   * @throws ModelFormatException when {@code id} is not spelt as an id
   * @throws HubException when the model on the Hub cannot be had
   */
  public List<ModelLocator.Located> locateId(String id) throws IOException {
    Optional<HubId> parsed = HubId.parse(id);
    if (parsed.isEmpty()) {
      throw new HubException(
          id.replaceAll("\\p{Cntrl}", "?") + ": not a Hugging Face model id (" + ID_FORMS + ")");
    }
    return hub().locate(parsed.get());
  }

  /** True when {@code argument} is spelt as a Hub id ({@link HubId#parse}). */
  public static boolean isId(String argument) {
    return HubId.parse(argument).isPresent();
  }

  /**
   * How to name a located model in a failure: its id for a model on the Hub (not its cache folder),
   * else its path as found.
   */
  public static String shown(ModelLocator.Located model) {
    return model.reader() instanceof HubReader ? model.name() : model.path().toString();
  }

  /** The Hub's models, built on first use. */
  public synchronized HubModels hub() throws IOException {
    if (hub == null) {
      hub = new HubModels(source.get(), limits);
    }
    return hub;
  }
}
