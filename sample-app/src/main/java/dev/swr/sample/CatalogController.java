package dev.swr.sample;

import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The catalog's HTTP face, and switches to make its upstream fail or slow down. The
 * {@code X-Cache-Status} header of product reads comes from the library's filter.
 */
@RestController
public class CatalogController {

	private static final Product CONSTANT = new Product(0, "Product 0", Product.categoryOf(0),
			java.math.BigDecimal.valueOf(99, 2), java.time.Instant.parse("2026-01-01T00:00:00Z"));

	/** The most ids one {@code GET /products?ids=} may ask for. */
	static final int MAX_IDS = 100;

	private final ProductService products;

	private final Upstream upstream;

	public CatalogController(ProductService products, Upstream upstream) {
		this.products = products;
		this.upstream = upstream;
	}

	@GetMapping("/products/{id}")
	public Product product(@PathVariable long id) {
		return this.products.find(id);
	}

	/**
	 * The products of {@code ids}, in the order given (a repeated id answers twice), read through one
	 * batch call: the ids the cache cannot serve are fetched with one upstream call. The
	 * {@code X-Cache-Status} header is the worst status of the ids.
	 */
	@GetMapping(path = "/products", params = "ids")
	public List<Product> products(@RequestParam List<Long> ids) {
		if (ids.size() > MAX_IDS) {
			throw new ErrorResponseException(HttpStatus.BAD_REQUEST, ProblemDetail.forStatusAndDetail(
					HttpStatus.BAD_REQUEST, "At most " + MAX_IDS + " ids per request, got " + ids.size()), null);
		}
		if (ids.contains(null)) {
			throw new ErrorResponseException(HttpStatus.BAD_REQUEST,
					ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, "ids must not contain an empty id"), null);
		}
		if (ids.isEmpty()) {
			return List.of();
		}
		Map<Long, Product> found = this.products.findAll(ids);
		return ids.stream().map(found::get).filter(Objects::nonNull).toList();
	}

	/**
	 * Evicts every cached product of {@code category} by its tag, on every instance; with
	 * {@code soft=true} they are made stale instead (served while each is refreshed).
	 */
	@PostMapping("/categories/{category}/refresh")
	public ResponseEntity<Void> refreshCategory(@PathVariable String category,
			@RequestParam(defaultValue = "false") boolean soft) {
		if (!Product.CATEGORIES.contains(category)) {
			throw new ErrorResponseException(HttpStatus.NOT_FOUND, ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND,
					"Unknown category '" + category + "'; the categories are " + Product.CATEGORIES), null);
		}
		if (soft) {
			this.products.repriceCategory(category);
		}
		else {
			this.products.refreshCategory(category);
		}
		return ResponseEntity.noContent().build();
	}

	@PostMapping("/products/{id}/refresh")
	public ResponseEntity<Void> refresh(@PathVariable long id) {
		this.products.refresh(id);
		return ResponseEntity.noContent().build();
	}

	/**
	 * A product made on the spot, neither cached nor fetched: the load test's baseline, what this
	 * app can serve at most (the same JSON, the same filters, no cache and no upstream).
	 */
	@GetMapping("/constant")
	public Product constant() {
		return CONSTANT;
	}

	@GetMapping("/upstream")
	public UpstreamState upstream() {
		return UpstreamState.of(this.upstream);
	}

	/** Fetches per product id (ids below 10,000 fetched at least once), for checking loads key by key. */
	@GetMapping("/upstream/calls-by-id")
	public Map<Long, Long> upstreamCallsById() {
		return this.upstream.callsById();
	}

	@PostMapping("/upstream/fail")
	public UpstreamState fail() {
		this.upstream.fail();
		return UpstreamState.of(this.upstream);
	}

	@PostMapping("/upstream/recover")
	public UpstreamState recover() {
		this.upstream.recover();
		return UpstreamState.of(this.upstream);
	}

	@PostMapping("/upstream/latency")
	public UpstreamState latency(@RequestParam long ms) {
		if (ms < 0) {
			throw new ErrorResponseException(HttpStatus.BAD_REQUEST,
					ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, "ms must not be negative, was " + ms), null);
		}
		this.upstream.latencyMs(ms);
		return UpstreamState.of(this.upstream);
	}

	/**
	 * What {@code /upstream} shows.
	 * @param calls fetches that reached the upstream
	 * @param failing whether fetches fail
	 * @param latencyMs simulated latency per fetch
	 */
	public record UpstreamState(long calls, boolean failing, long latencyMs) {

		static UpstreamState of(Upstream upstream) {
			return new UpstreamState(upstream.calls(), upstream.failing(), upstream.latencyMs());
		}

	}

}
