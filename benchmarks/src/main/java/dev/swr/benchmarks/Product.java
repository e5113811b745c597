package dev.swr.benchmarks;

import java.io.Serializable;
import java.math.BigDecimal;
import java.util.List;

/**
 * The value every benchmark caches: a small catalog entry, as in the sample app. Serializable only
 * because Spring's {@code RedisCacheManager} defaults to Java serialization, and that default is
 * what its users measure.
 *
 * @param id the product id
 * @param name its name
 * @param price its price
 * @param tags its tags
 */
public record Product(long id, String name, BigDecimal price, List<String> tags) implements Serializable {

	/** A product whose fields depend only on {@code id}. */
	public static Product of(long id) {
		return new Product(id, "Product " + id, BigDecimal.valueOf(1999 + id, 2), List.of("catalog", "id-" + id));
	}

}
