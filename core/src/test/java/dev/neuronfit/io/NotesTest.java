package dev.neuronfit.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class NotesTest {

  @Test
  void notesAreCappedWithACountOfTheRest() {
    Notes notes = new Notes(2);
    for (int i = 0; i < 5; i++) {
      notes.add("note " + i);
    }

    assertThat(notes.list()).containsExactly("note 0", "note 1", "3 more notes not shown");
  }

  @Test
  void notesWithinTheCapAreKeptInOrderWithNoCountLine() {
    Notes notes = new Notes(3);
    notes.add("first");
    notes.addAll(List.of("second", "third"));

    assertThat(notes.list()).containsExactly("first", "second", "third");
  }

  @Test
  void aCapOfZeroKeepsOnlyTheCount() {
    Notes notes = new Notes(0);
    notes.addAll(List.of("a", "b"));

    assertThat(notes.list()).containsExactly("2 more notes not shown");
  }

  @Test
  void theCapComesFromTheReadLimits() {
    Notes notes = new Notes(ReadLimits.DEFAULT);
    for (int i = 0; i <= ReadLimits.DEFAULT.maxNotes(); i++) {
      notes.add("note " + i);
    }

    assertThat(notes.list())
        .hasSize(ReadLimits.DEFAULT.maxNotes() + 1)
        .endsWith("1 more notes not shown");
  }

  @Test
  void theListIsASnapshotThatLaterNotesDoNotChange() {
    Notes notes = new Notes(5);
    notes.add("a");
    List<String> before = notes.list();
    notes.add("b");

    assertThat(before).containsExactly("a");
    assertThatThrownBy(() -> before.add("c")).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void aNullNoteIsABug() {
    assertThatThrownBy(() -> new Notes(1).add(null)).isInstanceOf(NullPointerException.class);
  }
}
