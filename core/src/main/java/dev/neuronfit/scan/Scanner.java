package dev.neuronfit.scan;

import dev.neuronfit.io.ModelFormatException;
import dev.neuronfit.io.ModelLocator;
import dev.neuronfit.io.ModelLocator.Located;
import dev.neuronfit.io.NotAModelException;
import dev.neuronfit.report.Report;
import dev.neuronfit.report.ScanRow;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * Checks every model at or under a list of paths, several at a time, and hands each outcome to a
 * {@link Listener} in the order the models were found, whatever order they finish in.
 *
 * <p>Memory stays bounded whatever the number of models: one thread searches the folders and
 * submits each model as it is found; at most {@code 2 × jobs} models are submitted and not yet
 * handed over, and the search waits while that many are. A report is dropped as soon as the
 * listener returns. One model that cannot be read is an outcome like any other and never stops the
 * scan.
 *
 * <p>Besides paths, a scan reads models named by an id ({@link Input.Named}, a Hugging Face Hub
 * id): a {@link Resolver} locates each on a worker thread, since that may take network requests,
 * and the outcomes of one id are handed over together, followed by {@link Listener#finished}.
 *
 * <p>Not reusable concurrently: one {@link #scan} at a time per instance.
 */
public final class Scanner {

  /** Checks one located model, e.g. {@code m -> inspector.inspect(m, edition, selection, ...)}. */
  @FunctionalInterface
  public interface ModelCheck {
    /**
     * @throws IOException when the model cannot be read
     */
    Report check(Located model) throws IOException;
  }

  /** What a scan reads. */
  public sealed interface Input {
    /** A file or folder, searched for models by the locator. */
    record Local(Path path) implements Input {
      public Local {
        Objects.requireNonNull(path, "path");
      }
    }

    /** A model named by an id, located by the {@link Resolver} on a worker thread. */
    record Named(String id) implements Input {
      public Named {
        Objects.requireNonNull(id, "id");
      }
    }
  }

  /** Locates the models an id names (e.g. the sparse copy of a Hub revision). */
  @FunctionalInterface
  public interface Resolver {
    /**
     * @throws IOException when the id cannot be had; it becomes the id's row
     */
    List<Located> locate(String id) throws IOException;
  }

  /** What became of one model. */
  public sealed interface Outcome {
    /** The model was read and checked; its report is valid only during the listener call. */
    record Checked(ScanRow.Checked row, Report report) implements Outcome {}

    /**
     * The model (or a folder under a path) could not be read.
     *
     * @param cause the exception, for a stack trace on request
     */
    record Failed(ScanRow.Unreadable row, Throwable cause) implements Outcome {}

    /**
     * A file the search came across turned out to hold no model (an archive of other files, an HDF5
     * data file); it has no row. A file named directly is never skipped.
     */
    record Skipped(Located file) implements Outcome {}
  }

  /** Receives a scan's progress and outcomes. */
  public interface Listener {
    /** A model (or an unreadable folder) was found; called on the search thread. */
    default void found(Path path, int foundSoFar) {}

    /** The search is over; called on the search thread. */
    default void searched(int found) {}

    /** A model is about to be read; called on a worker thread. */
    default void started(Path path) {}

    /**
     * A path given to {@link #scan} cannot be searched (it does not exist, or is not a file or
     * folder); called on the scanning thread, in order with the outcomes.
     */
    void pathFailed(Path path, IOException problem);

    /** The outcome of one model; called on the scanning thread, in the order models were found. */
    void outcome(Outcome outcome);

    /**
     * Every outcome of one unit has been handed over: of one model found under a path ({@code key}
     * is its name as listed) or of one id ({@code key} is the id as given). Called on the scanning
     * thread after those outcomes.
     */
    default void finished(String key) {}
  }

  private final ModelLocator locator;
  private final ModelCheck check;
  private final int jobs;

  /**
   * @param locator finds the models, e.g. {@link ModelLocator#forScan}
   * @param check reads and checks one model; called from {@code jobs} threads at once
   * @param jobs how many models are read at a time, at least 1
   */
  public Scanner(ModelLocator locator, ModelCheck check, int jobs) {
    if (jobs < 1) {
      throw new IllegalArgumentException("jobs must be at least 1, not " + jobs);
    }
    this.locator = Objects.requireNonNull(locator, "locator");
    this.check = Objects.requireNonNull(check, "check");
    this.jobs = jobs;
  }

  /** What the search thread hands to the scanning thread, in order. */
  private sealed interface Pending {
    record Model(String key, Future<List<Outcome>> outcomes) implements Pending {}

    record PathFailed(Path path, IOException problem) implements Pending {}

    /** The search itself failed: a bug, rethrown on the scanning thread. */
    record Crashed(Throwable error) implements Pending {}

    record End() implements Pending {}
  }

  /**
   * Scans the paths in order and returns when every outcome has been handed to the listener. An
   * exception thrown by the listener stops the scan and is rethrown.
   *
   * @throws InterruptedException when the calling thread is interrupted; the scan is abandoned
   */
  public void scan(List<Path> paths, Listener listener) throws InterruptedException {
    scan(
        paths.stream().<Input>map(Input.Local::new).toList(),
        id -> {
          throw new IllegalStateException("no resolver for " + id);
        },
        key -> false,
        listener);
  }

  /**
   * Scans paths and ids in order, as {@link #scan(List, Listener)} does.
   *
   * @param resolver locates the models of each {@link Input.Named} id
   * @param done units already done (ids as given, models by their name as listed): neither read nor
   *     handed over
   */
  public void scan(List<Input> inputs, Resolver resolver, Predicate<String> done, Listener listener)
      throws InterruptedException {
    List<Input> roots = List.copyOf(inputs);
    Objects.requireNonNull(resolver, "resolver");
    Objects.requireNonNull(done, "done");
    Objects.requireNonNull(listener, "listener");
    ExecutorService workers = Executors.newFixedThreadPool(jobs, daemon("neuronfit-check-"));
    BlockingQueue<Pending> queue = new ArrayBlockingQueue<>(2 * jobs);
    Thread search =
        daemon("neuronfit-search")
            .newThread(() -> search(roots, resolver, done, listener, workers, queue));
    search.start();
    try {
      while (true) {
        Pending p = queue.take();
        if (p instanceof Pending.End) {
          return;
        }
        if (p instanceof Pending.PathFailed f) {
          listener.pathFailed(f.path(), f.problem());
        } else if (p instanceof Pending.Crashed c) {
          throw rethrown(c.error());
        } else if (p instanceof Pending.Model m) {
          for (Outcome o : result(m.outcomes())) {
            listener.outcome(o);
          }
          listener.finished(m.key());
        }
      }
    } finally {
      search.interrupt();
      workers.shutdownNow();
    }
  }

  private void search(
      List<Input> roots,
      Resolver resolver,
      Predicate<String> done,
      Listener listener,
      ExecutorService workers,
      BlockingQueue<Pending> queue) {
    AtomicInteger found = new AtomicInteger();
    try {
      for (Input input : roots) {
        if (input instanceof Input.Named n) {
          if (done.test(n.id())) {
            continue;
          }
          listener.found(Path.of(""), found.incrementAndGet());
          queue.put(
              new Pending.Model(
                  n.id(), workers.submit(() -> checkNamed(n.id(), resolver, listener))));
          continue;
        }
        Path root = ((Input.Local) input).path();
        try {
          locator.walk(
              root,
              new ModelLocator.Visitor() {
                @Override
                public void model(Located model) throws InterruptedException {
                  if (done.test(model.name())) {
                    return;
                  }
                  listener.found(model.path(), found.incrementAndGet());
                  boolean named = model.path().equals(root);
                  queue.put(
                      new Pending.Model(
                          model.name(),
                          workers.submit(() -> List.of(checkOne(model, named, listener)))));
                }

                @Override
                public void unreadable(Path path, IOException problem) throws InterruptedException {
                  if (done.test(path.toString())) {
                    return;
                  }
                  listener.found(path, found.incrementAndGet());
                  queue.put(
                      new Pending.Model(
                          path.toString(),
                          CompletableFuture.completedFuture(
                              List.of(failed(path.toString(), path.toString(), problem)))));
                }
              });
        } catch (IOException e) {
          queue.put(new Pending.PathFailed(root, e));
        }
      }
      listener.searched(found.get());
      queue.put(new Pending.End());
    } catch (InterruptedException e) {
      // the scan was abandoned; nobody is waiting for the rest
    } catch (RuntimeException | Error e) {
      try {
        queue.put(new Pending.Crashed(e));
      } catch (InterruptedException ignored) {
        // abandoned as well
      }
    }
  }

  /** Locates an id's models and checks each; an id that cannot be had is one failed outcome. */
  private List<Outcome> checkNamed(String id, Resolver resolver, Listener listener) {
    listener.started(Path.of(id.replace('\0', '?').replace(":", "")));
    List<Located> models;
    try {
      models = resolver.locate(id);
    } catch (IOException | RuntimeException | Error e) {
      return List.of(failed(id, id, e));
    }
    if (models.isEmpty()) {
      return List.of(failed(id, id, new IOException(id + ": holds no model neuronfit can read")));
    }
    List<Outcome> out = new java.util.ArrayList<>();
    for (Located m : models) {
      out.add(checkOne(m, true));
    }
    return List.copyOf(out);
  }

  private Outcome checkOne(Located model, boolean named, Listener listener) {
    listener.started(model.path());
    return checkOne(model, named);
  }

  private Outcome checkOne(Located model, boolean named) {
    try {
      Report r = check.check(model);
      return new Outcome.Checked(ScanRow.of(model.name(), r), r);
    } catch (NotAModelException e) {
      return named ? failed(model.name(), model.path().toString(), e) : new Outcome.Skipped(model);
    } catch (IOException e) {
      return failed(model.name(), model.path().toString(), e);
    } catch (RuntimeException | Error e) {
      // a bug in a reader, or a file that exhausts the heap or the stack, must not cost the rest
      // of the scan: the row says so. What the reader allocated is garbage once it has thrown.
      return failed(model.name(), model.path().toString(), e);
    }
  }

  private static Outcome.Failed failed(String name, String path, Throwable e) {
    return new Outcome.Failed(new ScanRow.Unreadable(name, path, describe(e)), e);
  }

  /** One line naming the file and the problem. */
  static String describe(Throwable e) {
    String text;
    if (e instanceof ModelFormatException) {
      text = e.getMessage();
    } else if (e instanceof NoSuchFileException f) {
      text = f.getFile() + ": no such file or folder";
    } else if (e instanceof AccessDeniedException f) {
      text = f.getFile() + ": permission denied";
    } else if (e instanceof FileSystemException f) {
      text =
          f.getFile()
              + ": "
              + (f.getReason() == null ? e.getClass().getSimpleName() : f.getReason());
    } else if (e instanceof IOException) {
      text = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    } else if (e instanceof OutOfMemoryError) {
      text = "ran out of memory reading it (" + e.getMessage() + ")";
    } else {
      text = "internal error (a bug in neuronfit, please report it): " + e;
    }
    return text.replaceAll("\\s+", " ").strip();
  }

  private static List<Outcome> result(Future<List<Outcome>> f) throws InterruptedException {
    try {
      return f.get();
    } catch (ExecutionException e) {
      // checkOne catches every exception and error: this is a bug in the scan itself
      throw rethrown(e.getCause());
    }
  }

  private static RuntimeException rethrown(Throwable t) {
    if (t instanceof Error err) {
      throw err;
    }
    if (t instanceof RuntimeException r) {
      return r;
    }
    return new IllegalStateException(t);
  }

  private static ThreadFactory daemon(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix.endsWith("-") ? prefix + n.incrementAndGet() : prefix);
      t.setDaemon(true);
      return t;
    };
  }
}
