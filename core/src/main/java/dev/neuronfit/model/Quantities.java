package dev.neuronfit.model;

import java.util.Locale;

/** Formats counts and byte sizes for people: binary units for bytes, exact figures alongside. */
public final class Quantities {
  private static final String[] BYTE_UNITS = {"KiB", "MiB", "GiB", "TiB", "PiB"};

  private Quantities() {}

  /** E.g. {@code 2.50 GiB}, {@code 12.6 GiB}, {@code 475 MiB}; below 1 KiB, {@code 512 B}. */
  public static String bytes(long n) {
    if (n < 1024) {
      return n + " B";
    }
    double v = n;
    int unit = -1;
    while (v >= 1024 && unit < BYTE_UNITS.length - 1) {
      v /= 1024;
      unit++;
    }
    return String.format(
        Locale.ROOT, v >= 100 ? "%.0f %s" : v >= 10 ? "%.1f %s" : "%.2f %s", v, BYTE_UNITS[unit]);
  }

  /** E.g. {@code 12.6 GiB (13,476,839,424 bytes)}. */
  public static String bytesExact(long n) {
    return n < 1024 ? n + " bytes" : bytes(n) + " (" + grouped(n) + " bytes)";
  }

  /** E.g. {@code 6.74 B}, {@code 124.4 M}, {@code 950 K}, {@code 12}. */
  public static String count(long n) {
    if (n < 1000) {
      return Long.toString(n);
    }
    String[] units = {"K", "M", "B", "T"};
    double v = n;
    int unit = -1;
    while (v >= 1000 && unit < units.length - 1) {
      v /= 1000;
      unit++;
    }
    return String.format(
        Locale.ROOT, v >= 100 ? "%.0f %s" : v >= 10 ? "%.1f %s" : "%.2f %s", v, units[unit]);
  }

  /** E.g. {@code 13,476,839,424}. */
  public static String grouped(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }

  /** The sum of counts that are not negative (bytes, parameters), stopping at Long.MAX_VALUE. */
  public static long saturatedSum(long... parts) {
    long s = 0;
    for (long x : parts) {
      s = s > Long.MAX_VALUE - x ? Long.MAX_VALUE : s + x;
    }
    return s;
  }
}
