package dev.swr.sample;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * A catalog entry as the upstream returns it.
 * @param id the product id
 * @param name its display name
 * @param price its price
 * @param fetchedAt when the upstream produced this copy, so a refreshed copy is visible as such
 */
public record Product(long id, String name, BigDecimal price, Instant fetchedAt) {
}
