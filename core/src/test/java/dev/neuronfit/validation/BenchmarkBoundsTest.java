package dev.neuronfit.validation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.neuronfit.Inspector;
import dev.neuronfit.estimate.PhaseBound;
import dev.neuronfit.estimate.TargetEstimate;
import dev.neuronfit.estimate.WorkloadOptions;
import dev.neuronfit.io.ReadLimits;
import dev.neuronfit.io.hf.HfReader;
import dev.neuronfit.kb.KnowledgeBase;
import dev.neuronfit.model.DType;
import dev.neuronfit.report.Report;
import dev.neuronfit.testing.TestFiles;
import dev.neuronfit.verdict.Selection;
import java.io.IOException;
import java.io.Reader;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;

/**
 * Every inference row AWS publishes for inf1, inf2 and trn1 (copied under
 * test/resources/benchmarks) against neuronfit's bounds at the row's model, batch, lengths, device
 * type, instance and tensor-parallel degree: no measured throughput may be above the throughput
 * bound and no measured P50 latency below the latency bound. Rows neuronfit cannot model are named
 * with the reason. Writes target/validation.md, which docs/validation.md must equal (regenerate
 * with -Dneuronfit.validation.update=true).
 */
class BenchmarkBoundsTest {
  private static final KnowledgeBase KB = KnowledgeBase.load();
  private static final Inspector INSPECTOR = new Inspector(KB, ReadLimits.DEFAULT);

  /** Model names of the tables, lower case, to a config folder: examples/ or test resources. */
  private static final Map<String, String> MODELS = new LinkedHashMap<>();

  static {
    MODELS.put("llama-2-7b", "examples/llama-2-7b");
    MODELS.put("llama-2-13b", "models/llama-2-13b");
    MODELS.put("llama-2-70b", "models/llama-2-70b");
    MODELS.put("llama-3-8b", "models/llama-3-8b");
    MODELS.put("llama-3-70b", "models/llama-3-70b");
    MODELS.put("mistral-7b-instruct-v0.2", "models/mistral-7b-instruct-v0.2");
    MODELS.put("codellama-13b-hf", "models/codellama-13b-hf");
    MODELS.put("bert-base-uncased", "examples/bert-base-uncased");
    MODELS.put("bert base (bert-base-uncased)", "examples/bert-base-uncased");
    MODELS.put("bert base (bert-base-cased)", "models/bert-base-cased");
    MODELS.put("bert-large-uncased", "models/bert-large-uncased");
    MODELS.put("roberta-base", "examples/roberta-base");
    MODELS.put("roberta-large", "models/roberta-large");
    MODELS.put("xlm-roberta-base", "models/xlm-roberta-base");
    MODELS.put("google/electra-base-discriminator", "models/electra-base-discriminator");
    MODELS.put("t5-3b", "models/t5-3b");
    MODELS.put("google/flan-t5-xl", "models/flan-t5-xl");
    MODELS.put("google/vit-base-patch16-224", "examples/vit-base-patch16-224");
    MODELS.put("resnet-50", "examples/resnet-50");
    MODELS.put("resnet50", "examples/resnet-50");
    MODELS.put("resnet18", "models/resnet-18");
    MODELS.put("resnet34", "models/resnet-34");
    MODELS.put("resnet101", "models/resnet-101");
    MODELS.put("resnet152", "models/resnet-152");
    MODELS.put("stable diffusion 1.5", "examples/stable-diffusion-v1-5");
    MODELS.put("distilbert-base-uncased", "models/distilbert-base-uncased");
    MODELS.put("distilbert base (distilbert-base-uncased)", "models/distilbert-base-uncased");
    MODELS.put(
        "distilbert base (distilbert-base-uncased-finetuned-sst-2-english)",
        "models/distilbert-base-uncased-finetuned-sst-2-english");
    MODELS.put("distilroberta base (distilroberta-base)", "models/distilroberta-base");
    MODELS.put("albert-base-v2", "models/albert-base-v2");
    MODELS.put("stable diffusion 2.1", "models/stable-diffusion-2-1");
    MODELS.put("stable diffusion xl base", "models/stable-diffusion-xl-base-1.0");
    // one step of the base UNet: the base runs at least one step before the refiner, whose own
    // config is not sourced here, so the refiner's steps are left out of the bound
    MODELS.put("stable diffusion xl base & refiner", "models/stable-diffusion-xl-base-1.0");
    // PixArt XL/2 transformers as diffusers' conversion scripts build them; the 256x256 rows run
    // the same layers (the 256 px checkpoints differ in sample size and position-embedding scale,
    // which hold no weights)
    MODELS.put("pixart alpha", "models/pixart-alpha-xl-2-512x512/transformer");
    MODELS.put("pixart sigma", "models/pixart-sigma-xl-2-512-ms/transformer");
    MODELS.put("openai/clip-vit-base-patch32", "models/clip-vit-base-patch32");
    MODELS.put("openai/clip-vit-large-patch14", "models/clip-vit-large-patch14");
  }

  /**
   * Why a row's model has no config here, by the start of its lower-case name: said in the test's
   * output and in docs/validation.md.
   */
  private static final Map<String, String> UNMODELLED = new LinkedHashMap<>();

  static {
    String noHub =
        "not a Hugging Face model: the row names no checkpoint whose config or file neuronfit"
            + " could read";
    UNMODELLED.put("yolo", noHub);
    UNMODELLED.put("openpose", noHub);
    UNMODELLED.put("unet", noHub + " (a segmentation UNet, not a diffusers pipeline)");
    UNMODELLED.put("vgg", noHub + " (torchvision VGG; neuronfit sizes it from its model file)");
    UNMODELLED.put("bert base", "the row names no checkpoint (cased or uncased) nor a length");
    UNMODELLED.put(
        "deepmind/", "Perceiver's latent-array layout has no workload layout in neuronfit");
    UNMODELLED.put(
        "stable diffusion 2 inpainting",
        "its image is 936x624, not square: the UNet workload takes one image side, and its latent"
            + " (117x78, odd on one side) does not halve evenly through the UNet's three"
            + " downsamplings; nor is the"
            + " inpainting UNet's config (9 input channels) in the test resources");
  }

  /** One comparison: a measured figure and its bound. */
  record Check(
      String table,
      String row,
      String family,
      String what,
      double measured,
      double bound,
      boolean latency) {
    /** Measured against bound, at most 1 where the bound holds: the share of it a run reached. */
    double reached() {
      return latency ? bound / measured : measured / bound;
    }

    boolean holds() {
      return reached() <= 1;
    }
  }

  record Skip(String table, String row, String why) {}

  @Test
  void everyPublishedRowIsInsideTheBounds() throws IOException, URISyntaxException {
    Path root = Path.of(getClass().getResource("/benchmarks/tables").toURI());
    List<Check> checks = new ArrayList<>();
    List<Skip> skips = new ArrayList<>();
    List<Path> tables;
    try (Stream<Path> s = Files.walk(root)) {
      tables = s.filter(p -> p.toString().endsWith(".csv")).sorted().toList();
    }
    for (Path t : tables) {
      String table = root.relativize(t).toString().replace('\\', '/');
      try (Reader r = Files.newBufferedReader(t, StandardCharsets.UTF_8)) {
        for (CSVRecord rec :
            CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).build().parse(r)) {
          row(table, rec, checks, skips);
        }
      }
    }
    String doc = Markdown.render(checks, skips);
    Path out = Path.of("target", "validation.md");
    Files.createDirectories(out.getParent());
    Files.writeString(out, doc);
    Path docs = TestFiles.repoRoot().resolve("docs/validation.md");
    if (Boolean.getBoolean("neuronfit.validation.update")) {
      Files.writeString(docs, doc);
    }
    skips.forEach(s -> System.out.println("skipped " + s.table() + " " + s.row() + ": " + s.why()));
    assertThat(checks).as("rows compared").hasSizeGreaterThan(100);
    assertThat(checks)
        .filteredOn(c -> !c.holds())
        .as("measurements that beat their bound")
        .isEmpty();
    assertThat(Files.readString(docs))
        .as("docs/validation.md is generated by this test (-Dneuronfit.validation.update=true)")
        .isEqualTo(doc);
  }

  private void row(String table, CSVRecord rec, List<Check> checks, List<Skip> skips)
      throws IOException {
    String model = first(rec, "Model").orElse("?");
    String inst = first(rec, "Inst. Type").orElse("?").toLowerCase(Locale.ROOT);
    String name = model.toLowerCase(Locale.ROOT);
    OptionalInt batch = integer(rec, "Batch Size");
    String label = model + ", " + inst + ", b" + (batch.isPresent() ? batch.getAsInt() : "?");
    Optional<String> seq = first(rec, "Sequence Length", "Seq. Length");
    Optional<String> image = first(rec, "Image Size");
    OptionalInt tp = integer(rec, "TP Degree");
    OptionalInt in = integer(rec, "Input Length");
    OptionalInt out = integer(rec, "Output Length");
    if (tp.isPresent()) {
      label += ", TP " + tp.getAsInt();
    }
    if (in.isPresent()) {
      label += ", in " + in.getAsInt() + " out " + out.orElse(0);
    } else if (seq.isPresent()) {
      label += ", seq " + seq.get();
    } else if (image.isPresent()) {
      label += ", " + image.get();
    }
    String where = MODELS.get(name);
    if (where == null) {
      String why =
          UNMODELLED.entrySet().stream()
              .filter(u -> name.startsWith(u.getKey()))
              .map(Map.Entry::getValue)
              .findFirst()
              .orElse("no config of this model in examples/ or test resources");
      skips.add(new Skip(table, label, why));
      return;
    }
    if (batch.isEmpty()) {
      skips.add(new Skip(table, label, "the row gives no batch size"));
      return;
    }
    boolean sequenceModel =
        !where.contains("resnet")
            && !where.contains("vit-")
            && !where.contains("diffusion")
            && !where.contains("pixart");
    if (sequenceModel && seq.isEmpty()) {
      skips.add(new Skip(table, label, "the row gives no sequence length"));
      return;
    }
    Optional<Integer> side = image.flatMap(BenchmarkBoundsTest::side);
    if (image.isPresent() && side.isEmpty()) {
      skips.add(new Skip(table, label, "image size " + image.get() + " is not square"));
      return;
    }
    // int8 weight storage reads one byte a weight; otherwise the matrix products are auto-cast to
    // BF16, and 2 bytes a weight is the least any run reads
    DType dtype =
        first(rec, "Weight Storage Data Type").filter(w -> w.equalsIgnoreCase("int8")).isPresent()
            ? DType.I8
            : DType.BF16;
    WorkloadOptions opts =
        new WorkloadOptions(
            batch,
            seq.map(s -> OptionalInt.of(Integer.parseInt(s))).orElse(OptionalInt.empty()),
            side.map(OptionalInt::of).orElse(OptionalInt.empty()),
            Optional.of(dtype),
            1.0,
            in,
            out,
            Optional.of(inst),
            tp);
    Path dir =
        where.startsWith("examples/")
            ? TestFiles.examples().resolve(where.substring("examples/".length()))
            : resource(where);
    var profile = new HfReader().read(dir, ReadLimits.DEFAULT);
    Report report =
        INSPECTOR.report(profile, KB.defaultEdition(), Selection.ALL, opts, KB.hardware());
    String target = inst.substring(0, inst.indexOf('.')).replace("trn1n", "trn1");
    TargetEstimate e = report.estimates().get(target);
    if (report.workload().isEmpty() || e == null) {
      skips.add(new Skip(table, label, "neuronfit has no workload for this model's layout"));
      return;
    }
    if (e.phases().isEmpty()) {
      skips.add(
          new Skip(table, label, "the placement does not hold the model: " + e.sizing().notes()));
      return;
    }
    compare(table, label, rec, e, in.isPresent() || table.contains("encoder_decoder"), checks);
  }

  private static void compare(
      String table,
      String label,
      CSVRecord rec,
      TargetEstimate e,
      boolean generative,
      List<Check> checks) {
    if (generative) {
      String family = table.contains("encoder_decoder") ? "encoder-decoder" : "decoder";
      PhaseBound decode = phase(e, "decode");
      RowChecks row = new RowChecks(table, label, family, rec, checks);
      row.latency(
          "TPOT P50",
          decode.latencyLowerBoundSeconds(),
          "TPOT Latency P50 (ms)",
          "Latency per Token P50 (ms)");
      row.latency(
          "TTFT P50", phase(e, "prefill").latencyLowerBoundSeconds(), "TTFT Latency P50 (ms)");
      row.throughput(
          "tokens/s",
          decode.throughputPerInstanceUpperBound(),
          "Output Token Throughput (tokens/sec)",
          "Throughput (tokens/second)");
      return;
    }
    String kind =
        table.startsWith("inf1")
            ? "inf1 " + (label.contains("BERT") ? "encoder" : "CNN")
            : table.contains("vision") ? "vision" : "encoder";
    String family =
        label.startsWith("Stable Diffusion")
            ? "diffusion (one unet step)"
            : label.startsWith("PixArt") ? "diffusion (one transformer step)" : kind;
    PhaseBound pass = e.phases().get(0);
    RowChecks row = new RowChecks(table, label, family, rec, checks);
    row.latency("latency P50", pass.latencyLowerBoundSeconds(), "Latency P50 (ms)");
    row.throughput(
        "throughput",
        pass.throughputPerInstanceUpperBound(),
        "Throughput (inference/sec)",
        "Throughput (inference/second)",
        "Avg Throughput (/sec)");
  }

  /** The checks of one row: each measured column the row fills, against its bound. */
  private record RowChecks(
      String table, String label, String family, CSVRecord rec, List<Check> checks) {
    /** A latency in milliseconds, from the first filled column, against a lower bound. */
    void latency(String what, double bound, String... columns) {
      first(rec, columns)
          .ifPresent(v -> checks.add(new Check(table, label, family, what, ms(v), bound, true)));
    }

    /** A throughput, from the first filled column, against an upper bound. */
    void throughput(String what, double bound, String... columns) {
      first(rec, columns)
          .ifPresent(
              v ->
                  checks.add(
                      new Check(table, label, family, what, Double.parseDouble(v), bound, false)));
    }
  }

  private static PhaseBound phase(TargetEstimate e, String name) {
    return e.phases().stream().filter(p -> p.phase().equals(name)).findFirst().orElseThrow();
  }

  private static double ms(String v) {
    return Double.parseDouble(v) / 1e3;
  }

  private static Optional<Integer> side(String image) {
    String[] p = image.split("x");
    return p.length == 2 && p[0].equals(p[1])
        ? Optional.of(Integer.parseInt(p[0]))
        : Optional.empty();
  }

  private Path resource(String where) {
    try {
      return Path.of(getClass().getResource("/benchmarks/" + where).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Optional<String> first(CSVRecord rec, String... names) {
    for (String n : names) {
      if (rec.isMapped(n) && rec.isSet(n) && !rec.get(n).isBlank()) {
        return Optional.of(rec.get(n).trim());
      }
    }
    return Optional.empty();
  }

  private static OptionalInt integer(CSVRecord rec, String name) {
    return first(rec, name)
        .filter(v -> v.matches("\\d+"))
        .map(v -> OptionalInt.of(Integer.parseInt(v)))
        .orElse(OptionalInt.empty());
  }

  /** docs/validation.md. */
  static final class Markdown {
    private Markdown() {}

    static String render(List<Check> checks, List<Skip> skips) {
      StringBuilder sb = new StringBuilder();
      sb.append("# Validation of the bounds against every published Neuron benchmark row\n\n")
          .append("Generated by `BenchmarkBoundsTest` (core tests; regenerate with")
          .append(" `-Dneuronfit.validation.update=true`). Do not edit by hand.\n\n")
          .append("neuronfit's estimates are analytic bounds: a latency no run can beat and a")
          .append(" throughput no run can pass. This page runs the estimate at every row of AWS's")
          .append(" published inference tables (aws-neuron/aws-neuron-sdk@81ce03ae,")
          .append(" `about-neuron/benchmarks/{inf1,inf2,trn1}/*.csv`, copied under")
          .append(" `core/src/test/resources/benchmarks/`) at the row's model, batch, sequence,")
          .append(" input and output lengths, instance and tensor-parallel degree (all the")
          .append(" instance's NeuronCores for data-parallel rows), BF16 (I8 where the row")
          .append(
              " stores weights as int8), and fails if any measurement is outside its bound.\n\n")
          .append("**Reached** is measured / bound for throughput and bound / measured for")
          .append(" latency: the share of the bound a real run reached (at most 100% where the")
          .append(" bound holds; far below it, the bound is loose).\n\n");
      sb.append("## Per family\n\n| family | checks | median reached | lowest | highest |\n")
          .append("|---|---:|---:|---:|---:|\n");
      Map<String, List<Double>> byFamily = new TreeMap<>();
      for (Check c : checks) {
        byFamily
            .computeIfAbsent(c.family() + ", " + c.what(), k -> new ArrayList<>())
            .add(c.reached());
      }
      byFamily.forEach(
          (f, v) -> {
            List<Double> s = v.stream().sorted().toList();
            double median =
                s.size() % 2 == 1
                    ? s.get(s.size() / 2)
                    : (s.get(s.size() / 2 - 1) + s.get(s.size() / 2)) / 2;
            sb.append("| ")
                .append(f)
                .append(" | ")
                .append(s.size())
                .append(" | ")
                .append(pct(median))
                .append(" | ")
                .append(pct(s.get(0)))
                .append(" | ")
                .append(pct(s.get(s.size() - 1)))
                .append(" |\n");
          });
      sb.append("\n## Where the bound is loose\n\n")
          .append("Rows that reach less than 10% of their bound: the roofline is far from what")
          .append(" the run achieved, so read the bound as a limit, not a forecast.\n\n");
      long loose = checks.stream().filter(c -> c.reached() < 0.1).count();
      sb.append(loose)
          .append(" of ")
          .append(checks.size())
          .append(" checks. ")
          .append("Diffusion rows are loosest by construction: the bound is one denoising step of")
          .append(
              " the unet (PixArt: of the transformer), the measurement a whole image (SDXL Base & Refiner: one step of the")
          .append(" base unet; the refiner's config is not sourced, its steps are left out).")
          .append(" Decoder TTFT at short prompts and")
          .append(" data-parallel rows at batch 1 are dominated by fixed costs the roofline does")
          .append(" not model.\n\n");
      sb.append("## Every row\n\n| table | row | figure | measured | bound | reached |\n")
          .append("|---|---|---|---:|---:|---:|\n");
      for (Check c : checks) {
        sb.append("| ")
            .append(c.table())
            .append(" | ")
            .append(c.row())
            .append(" | ")
            .append(c.what())
            .append(" | ")
            .append(fig(c.measured(), c.latency()))
            .append(" | ")
            .append(c.latency() ? "≥ " : "≤ ")
            .append(fig(c.bound(), c.latency()))
            .append(" | ")
            .append(pct(c.reached()))
            .append(c.holds() ? "" : " **beats the bound**")
            .append(" |\n");
      }
      sb.append("\n## Rows not compared\n\n| table | row | why |\n|---|---|---|\n");
      for (Skip s : skips) {
        sb.append("| ")
            .append(s.table())
            .append(" | ")
            .append(s.row())
            .append(" | ")
            .append(s.why().replace("|", "/"))
            .append(" |\n");
      }
      return sb.toString();
    }

    private static String pct(double v) {
      return String.format(Locale.ROOT, v >= 0.1 ? "%.0f%%" : "%.1f%%", 100 * v);
    }

    private static String fig(double v, boolean seconds) {
      if (seconds) {
        return v >= 1
            ? String.format(Locale.ROOT, "%.3g s", v)
            : String.format(Locale.ROOT, "%.3g ms", v * 1e3);
      }
      return String.format(Locale.ROOT, "%.4g /s", v);
    }
  }
}
