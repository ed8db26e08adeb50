package dev.neuronfit.model;

import java.util.Objects;

/**
 * Something in a model file that would be dangerous to load with the framework's own loader, found
 * while reading it safely: for example a pickle that names {@code os.system}, which {@code
 * torch.load} would call, or a Git LFS pointer where a weight file should be, which the loader
 * fails on. Readers record hazards; they never act on them.
 *
 * @param kind a stable id, e.g. {@code pickle-global} or {@code lfs-pointer}
 * @param detail what was found, e.g. {@code posix.system}
 * @param place where: file, archive entry, byte offset
 */
public record Hazard(String kind, String detail, String place) {
  public Hazard {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(detail, "detail");
    Objects.requireNonNull(place, "place");
  }
}
