package io.pgrunbooks.api.paging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PagingTest {
  @Test
  void limitDefaultsAndOutOfRangeOrNonNumericLimitsAreRefusedNamingTheRange() {
    assertThat(PageRequest.parse("runs", "q", null, null, 50, 500)).isEqualTo(new PageRequest(50, null));
    assertThat(PageRequest.parse("runs", "q", " 7 ", "", 50, 500).limit()).isEqualTo(7);
    for (String bad : List.of("0", "501", "-3", "ten", "1.5")) {
      assertThatThrownBy(() -> PageRequest.parse("runs", "q", bad, null, 50, 500))
          .isInstanceOf(BadPageRequest.class)
          .hasMessage("limit must be a whole number from 1 to 500 (default 50), got '" + bad + "'")
          .satisfies(e -> assertThat(((BadPageRequest) e).fields().get(0).field()).isEqualTo("limit"));
    }
  }

  @Test
  void aCursorRoundTripsForItsListAndFiltersOnly() {
    String cursor = Cursor.encode("runs", "RunbookState = 'RUNNING'", "tok/en+=");
    assertThat(cursor).matches("[A-Za-z0-9_-]+");
    assertThat(Cursor.decode("runs", "RunbookState = 'RUNNING'", cursor)).isEqualTo("tok/en+=");
    assertThat(Cursor.decode("runs", "x", null)).isNull();
    assertThatThrownBy(() -> Cursor.decode("approvals", "RunbookState = 'RUNNING'", cursor))
        .isInstanceOf(BadPageRequest.class).hasMessageStartingWith("cursor belongs to the runs list, not to approvals");
    assertThatThrownBy(() -> Cursor.decode("runs", "RunbookState = 'FAILED'", cursor))
        .isInstanceOf(BadPageRequest.class).hasMessageStartingWith("cursor was made for other filters");
  }

  @Test
  void garbageCursorsAreRefusedInWords() {
    for (String bad : List.of("not a cursor!", "e30", "bm9wZQ", "%%%")) {
      assertThatThrownBy(() -> PageRequest.parse("runs", "q", null, bad, 50, 500))
          .isInstanceOf(BadPageRequest.class)
          .hasMessage("cursor is not one this API returned; pass the nextCursor of the previous page unchanged, or "
              + "leave cursor out to start at the first page");
    }
  }

  @Test
  void keysetPagesCoverEveryItemOnceInOrderEvenWhenAnItemDisappearsBetweenPages() {
    List<String> items = new ArrayList<>(List.of("e", "a", "d", "c", "b"));
    KeysetPage<String> first = KeysetPage.of(items, s -> s, new PageRequest(2, null));
    assertThat(first.items()).containsExactly("a", "b");
    assertThat(first.nextPosition()).isEqualTo("b");
    items.remove("b"); // decided meanwhile
    items.remove("c");
    KeysetPage<String> second = KeysetPage.of(items, s -> s, new PageRequest(2, first.nextPosition()));
    assertThat(second.items()).containsExactly("d", "e");
    assertThat(second.nextPosition()).as("nothing follows").isNull();
    assertThat(KeysetPage.of(List.of("a"), s -> s, new PageRequest(1, null)).nextPosition()).isNull();
  }

  @Test
  void timeKeysSortLikeTimesNewestFirstWhenDescendingAndMissingTimesLast() {
    String early = "2026-12-06T10:00:00Z";
    String half = "2026-12-06T10:00:00.500Z";
    String late = "2026-12-06T10:00:01Z";
    assertThat(KeysetPage.timeKey(early, false)).isLessThan(KeysetPage.timeKey(half, false));
    assertThat(KeysetPage.timeKey(half, false)).isLessThan(KeysetPage.timeKey(late, false));
    assertThat(KeysetPage.timeKey(late, true)).isLessThan(KeysetPage.timeKey(half, true));
    assertThat(KeysetPage.timeKey(half, true)).isLessThan(KeysetPage.timeKey(early, true));
    for (boolean descending : new boolean[] {true, false}) {
      assertThat(KeysetPage.timeKey(null, descending)).isGreaterThan(KeysetPage.timeKey(late, descending))
          .isGreaterThan(KeysetPage.timeKey(early, descending)).isEqualTo(KeysetPage.timeKey("soon", descending));
    }
  }
}
