package io.pgrunbooks.api.paging;

/**
 * The paging parameters of one list request: {@code limit} (default and maximum per list) and the position
 * decoded from {@code cursor} (null for the first page).
 */
public record PageRequest(int limit, String position) {
  /**
   * @param limit the raw query parameter (null or blank: {@code defaultLimit})
   * @throws BadPageRequest for a limit that is not a whole number in 1..{@code maxLimit}, or a bad cursor
   */
  public static PageRequest parse(String list, String filter, String limit, String cursor, int defaultLimit,
                                  int maxLimit) {
    int n = defaultLimit;
    if (limit != null && !limit.isBlank()) {
      try {
        n = Integer.parseInt(limit.strip());
      } catch (NumberFormatException e) {
        n = -1;
      }
      if (n < 1 || n > maxLimit) {
        throw new BadPageRequest("limit", "limit must be a whole number from 1 to " + maxLimit + " (default "
            + defaultLimit + "), got '" + limit + "'");
      }
    }
    return new PageRequest(n, Cursor.decode(list, filter, cursor));
  }
}
