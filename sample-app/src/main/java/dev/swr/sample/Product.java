package dev.swr.sample;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/**
 * A catalog entry as the upstream returns it.
 * @param id the product id
 * @param name its display name
 * @param category {@code books}, {@code music} or {@code games}, for ids whose remainder by 3 is 0, 1
 * or 2; the tag its cache entry carries
 * @param price its price
 * @param fetchedAt when the upstream produced this copy, so a refreshed copy is visible as such
 */
public record Product(long id, String name, String category, BigDecimal price, Instant fetchedAt) {

	/** The categories, by the remainder of the id divided by 3. */
	static final List<String> CATEGORIES = List.of("books", "music", "games");

	/** The category of product {@code id}. */
	static String categoryOf(long id) {
		return CATEGORIES.get((int) Math.floorMod(id, 3L));
	}

}
