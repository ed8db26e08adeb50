package dev.neuronfit.classify;

import dev.neuronfit.model.Family;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The family calls, evidence and other matches one classifier gathers as it works: mutable, used by
 * one thread, turned into a {@link Classification} at the end. (The guideline's fit verdicts are
 * {@link dev.neuronfit.verdict.Verdict}, a different thing.)
 */
final class FamilyTally {
  private Family family = Family.UNKNOWN;
  private double confidence;
  private final List<Evidence> evidence = new ArrayList<>();
  private final Map<Family, String> also = new LinkedHashMap<>();

  boolean decided() {
    return family != Family.UNKNOWN;
  }

  Family family() {
    return family;
  }

  void decide(Family f, double c) {
    family = f;
    confidence = c;
  }

  void evidence(String source, String key, String value, String meaning) {
    evidence.add(new Evidence(source, key, value, meaning));
  }

  void also(Family f, String reason) {
    also.putIfAbsent(f, reason);
  }

  List<Evidence> evidenceList() {
    return evidence;
  }

  Classification toClassification() {
    List<AlsoMatch> matches = new ArrayList<>();
    also.forEach(
        (f, r) -> {
          if (f != family && f != Family.UNKNOWN) {
            matches.add(new AlsoMatch(f, r));
          }
        });
    return new Classification(family, decided() ? confidence : 0.0, evidence, matches);
  }
}
