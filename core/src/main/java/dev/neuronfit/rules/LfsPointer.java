package dev.neuronfit.rules;

import dev.neuronfit.model.Hazard;
import java.util.ArrayList;
import java.util.List;

/**
 * Files of the model are Git LFS pointers, not the files themselves: the repository was cloned
 * without Git LFS (or with {@code GIT_LFS_SKIP_SMUDGE=1}). Reads the {@code lfs-pointer} hazards
 * the readers recorded. Loading such a folder fails in the framework (a safetensors pointer reads
 * as a header length of billions of bytes, a config pointer as invalid JSON), and neuronfit's
 * figures then rest on what else the folder holds.
 */
public final class LfsPointer extends Rule {
  private static final String KIND = "lfs-pointer";

  public LfsPointer() {
    super(
        new RuleInfo(
            "lfs-pointer",
            "Files of the model are Git LFS pointers, not the files themselves",
            Severity.ERROR,
            List.of(),
            List.of(),
            List.of(),
            List.of(),
            List.of(
                "Git LFS pointer specification (git-lfs, docs/spec.md); Hugging Face Hub"
                    + " documentation, Git vs HTTP paradigm (large files are stored with Git LFS)"),
            "0.3.0"));
  }

  @Override
  public List<Finding> check(RuleContext ctx) {
    List<Hazard> pointers =
        ctx.profile().hazards().stream().filter(h -> h.kind().equals(KIND)).toList();
    if (pointers.isEmpty()) {
      return List.of();
    }
    List<String> seen = new ArrayList<>();
    for (Hazard h : pointers.subList(0, Math.min(3, pointers.size()))) {
      seen.add(h.detail());
    }
    String more = pointers.size() > 3 ? "; and " + (pointers.size() - 3) + " more" : "";
    String first = pointers.get(0).place();
    return List.of(
        finding(ctx)
            .message(
                (pointers.size() == 1
                        ? first + " is a Git LFS pointer"
                        : pointers.size() + " files are Git LFS pointers")
                    + " left by a clone without Git LFS; the framework cannot"
                    + " load the model from this folder, and the figures here come from the"
                    + " files that are present.")
            .observed(String.join("; ", seen) + more)
            .guideline(
                "A Git LFS pointer is a small text file (version, oid sha256, size) that stands"
                    + " for a large file kept on the LFS server.")
            .advice(
                "Fetch the files: git lfs install, then git lfs pull in the clone (or"
                    + " huggingface-cli download with the Hub id); or run neuronfit on the Hub id's"
                    + " files downloaded directly.")
            .build());
  }
}
