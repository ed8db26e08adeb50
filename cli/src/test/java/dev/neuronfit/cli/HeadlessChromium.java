package dev.neuronfit.cli;

import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;

/**
 * Debian's chromium run headless on a local page: it loads the page, writes a screenshot and logs
 * every console message (including Content-Security-Policy violations, that is any request the page
 * tries to make) to stderr, where they are collected. Test code only.
 */
final class HeadlessChromium {
  private static final long TIMEOUT_SECONDS = 90;

  private final Path executable;

  private HeadlessChromium(Path executable) {
    this.executable = executable;
  }

  /** The browser named by {@code -Dneuronfit.chromium}, or chromium on the PATH; empty if none. */
  static Optional<HeadlessChromium> find() {
    String configured = System.getProperty("neuronfit.chromium");
    if (configured != null && !configured.isBlank()) {
      Path p = Path.of(configured);
      return Files.isExecutable(p) ? Optional.of(new HeadlessChromium(p)) : Optional.empty();
    }
    String path = System.getenv().getOrDefault("PATH", "");
    for (String dir : path.split(File.pathSeparator)) {
      for (String name : List.of("chromium", "chromium-browser")) {
        Path p = Path.of(dir.isEmpty() ? "." : dir, name);
        if (Files.isRegularFile(p) && Files.isExecutable(p)) {
          return Optional.of(new HeadlessChromium(p));
        }
      }
    }
    return Optional.empty();
  }

  /**
   * What a run saw.
   *
   * @param exitCode the browser's exit code
   * @param console console messages the page produced, one per line
   * @param log everything the browser wrote, for failure messages
   */
  record Run(int exitCode, List<String> console, String log) {}

  /**
   * Loads the page in a window of the given size and saves a screenshot of the window.
   *
   * @param work a scratch folder for the browser profile and logs
   */
  Run screenshot(Path page, Path png, int width, int height, Path work)
      throws IOException, InterruptedException {
    Path profile = Files.createDirectories(work.resolve("chromium-profile"));
    Path log = work.resolve("chromium.log");
    List<String> cmd =
        List.of(
            executable.toString(),
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--no-default-browser-check",
            "--disable-extensions",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            // nothing resolves, so even a request that got past the page's policy would fail
            "--host-resolver-rules=MAP * ~NOTFOUND",
            "--hide-scrollbars",
            "--force-device-scale-factor=1",
            "--user-data-dir=" + profile,
            "--enable-logging=stderr",
            "--v=0",
            "--window-size=" + width + "," + height,
            "--screenshot=" + png.toAbsolutePath(),
            page.toAbsolutePath().toUri().toString());
    Process p =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .start();
    if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      throw new IllegalStateException("chromium did not finish within " + TIMEOUT_SECONDS + " s");
    }
    String text = Files.readString(log, StandardCharsets.UTF_8);
    List<String> console = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (line.contains(":CONSOLE")
          || line.contains("Uncaught")
          || line.contains("Content Security Policy")) {
        console.add(line);
      }
    }
    return new Run(p.exitValue(), console, text);
  }

  /**
   * Cuts the rows at the bottom of a screenshot that are all the colour of its bottom-left pixel
   * (the page background below the content), keeping a margin.
   */
  static void trimBottom(Path png, int margin) throws IOException {
    System.setProperty("java.awt.headless", "true");
    BufferedImage img = ImageIO.read(png.toFile());
    int background = img.getRGB(0, img.getHeight() - 1);
    int last = img.getHeight() - 1;
    while (last > 0 && rowIs(img, last, background)) {
      last--;
    }
    int height = Math.min(img.getHeight(), last + 1 + margin);
    if (height < img.getHeight()) {
      ImageIO.write(img.getSubimage(0, 0, img.getWidth(), height), "png", png.toFile());
    }
  }

  private static boolean rowIs(BufferedImage img, int y, int rgb) {
    for (int x = 0; x < img.getWidth(); x++) {
      if (img.getRGB(x, y) != rgb) {
        return false;
      }
    }
    return true;
  }
}
