package dev.neuronfit.rules;

import dev.neuronfit.model.Hazard;
import dev.neuronfit.model.ModelFormat;
import java.util.ArrayList;
import java.util.List;

/**
 * A pickle in the model names globals that {@code torch.load} would import and call. Reads the
 * hazards the safe pickle reader recorded against torch's weights-only allow-list: {@code
 * pickle-global} (a global that can run code: a known code runner such as {@code os.system}, a
 * dotted attribute chain, or any non-allowed global called with arguments from the file) is an
 * error, {@code pickle-import} (a class only imported and built, such as {@code __main__.Net}) a
 * warning. In a TorchScript archive, whose pickles {@code torch.jit.load} reads with its own
 * unpickler that refuses foreign globals, a code-running global is a warning: the file is suspect,
 * but loading it does not run it.
 */
public final class PickleRunsCode extends Rule {
  private static final String GUIDELINE =
      "torch.load unpickles with Python's pickle, which imports every global a pickle names and"
          + " calls it with arguments from the file; torch.load(..., weights_only=True) accepts only"
          + " tensors, storages and plain containers, and refuses the rest.";

  public PickleRunsCode() {
    super(
        new RuleInfo(
            "pickle-runs-code",
            "Loading the file with torch.load would import and call code the file names",
            Severity.ERROR,
            List.of(),
            List.of(),
            List.of(),
            List.of(),
            List.of(
                "PyTorch documentation, torch.load (weights_only); Python documentation, pickle"),
            "0.2.0"));
  }

  @Override
  public List<Finding> check(RuleContext ctx) {
    List<Hazard> code = kind(ctx, "pickle-global");
    List<Hazard> imports = kind(ctx, "pickle-import");
    boolean script = ctx.profile().format() == ModelFormat.TORCHSCRIPT;
    List<Finding> out = new ArrayList<>();
    if (!code.isEmpty()) {
      out.add(
          hazards(
              ctx,
              script ? Severity.WARNING : Severity.ERROR,
              script
                  ? "A pickle in this TorchScript archive names "
                      + names(code)
                      + ", which runs"
                      + " code if the entry is unpickled with Python's pickle; torch.jit.load's"
                      + " own unpickler refuses it."
                  : "Loading this file with torch.load runs code: its pickle calls "
                      + names(code)
                      + ".",
              code,
              "Do not load this file with torch.load(..., weights_only=False) (the default before"
                  + " PyTorch 2.6), pickle or joblib outside an isolated sandbox. neuronfit read it without unpickling. Ask the source for"
                  + " safetensors, or a state dict that loads with torch.load(path,"
                  + " weights_only=True) (PyTorch 1.13 and later; the default from PyTorch 2.6)."));
    }
    if (!imports.isEmpty()) {
      out.add(
          hazards(
              ctx,
              Severity.WARNING,
              "Loading this file with torch.load imports and builds "
                  + names(imports)
                  + "; torch.load(..., weights_only=True) refuses it.",
              imports,
              "Load it only from a source you trust and with the classes' code installed, or"
                  + " re-save it as a state dict (model.state_dict()) or safetensors and load it"
                  + " with torch.load(path, weights_only=True) (PyTorch 1.13 and later; the default from"
                  + " PyTorch 2.6)."));
    }
    return out;
  }

  private static List<Hazard> kind(RuleContext ctx, String kind) {
    return ctx.profile().hazards().stream().filter(h -> h.kind().equals(kind)).toList();
  }

  private Finding hazards(
      RuleContext ctx, Severity s, String message, List<Hazard> hs, String advice) {
    List<String> seen = new ArrayList<>();
    for (Hazard h : hs.subList(0, Math.min(3, hs.size()))) {
      seen.add(h.detail() + " (" + h.place() + ")");
    }
    String more = hs.size() > 3 ? "; and " + (hs.size() - 3) + " more" : "";
    return finding(ctx)
        .severity(s)
        .message(message)
        .observed(String.join("; ", seen) + more)
        .guideline(GUIDELINE)
        .advice(advice)
        .build();
  }

  private static String names(List<Hazard> hs) {
    String first = hs.get(0).detail().split(" ", 2)[0];
    return hs.size() == 1 ? first : first + " and " + (hs.size() - 1) + " more";
  }
}
