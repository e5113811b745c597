package dev.swr.sample;

import java.util.Map;

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

	@PostMapping("/products/{id}/refresh")
	public ResponseEntity<Void> refresh(@PathVariable long id) {
		this.products.refresh(id);
		return ResponseEntity.noContent().build();
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
