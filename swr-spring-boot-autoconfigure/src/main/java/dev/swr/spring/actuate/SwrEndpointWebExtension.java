package dev.swr.spring.actuate;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.annotation.EndpointWebExtension;

import dev.swr.core.SwrStoreException;

/**
 * The HTTP side of {@link SwrEndpoint}: an unknown cache is a 404 for the deletes too (as Boot's
 * {@code caches} endpoint does), not a silent 204.
 */
@EndpointWebExtension(endpoint = SwrEndpoint.class)
public class SwrEndpointWebExtension {

	private final SwrEndpoint endpoint;

	/** An extension of {@code endpoint}. */
	public SwrEndpointWebExtension(SwrEndpoint endpoint) {
		this.endpoint = endpoint;
	}

	/**
	 * {@code DELETE /actuator/swr/{cache}}: 204 when cleared, 404 for an unknown cache, 503 with
	 * what failed when the store could not be cleared (Redis down or too slow): never a 204 that
	 * says it was.
	 */
	@DeleteOperation
	public WebEndpointResponse<?> clear(@Selector String cache) {
		try {
			return new WebEndpointResponse<>(this.endpoint.clear(cache) ? WebEndpointResponse.STATUS_NO_CONTENT
					: WebEndpointResponse.STATUS_NOT_FOUND);
		}
		catch (SwrStoreException ex) {
			return new WebEndpointResponse<>(new ClearFailure(cache, ex.reason().tag(), ex.getMessage()),
					WebEndpointResponse.STATUS_SERVICE_UNAVAILABLE);
		}
	}

	/**
	 * Why a cache could not be cleared, or a tag eviction not recorded in the shared store.
	 *
	 * @param cache the cache
	 * @param reason the store failure's reason ({@code timeout}, {@code unavailable}, ...)
	 * @param message what the store said
	 */
	public record ClearFailure(String cache, String reason, String message) {

	}

	/**
	 * {@code DELETE /actuator/swr/{cache}/tags/{tag}[?soft=true]}: 200 with what was evicted, 404 for
	 * an unknown cache (or a middle segment other than {@code tags}), 503 with what failed when the
	 * shared store could not record the eviction (it then holds on this instance only).
	 */
	@DeleteOperation
	public WebEndpointResponse<?> evictTag(@Selector String cache, @Selector String tags, @Selector String tag,
			@Nullable Boolean soft) {
		if (!"tags".equals(tags)) {
			return new WebEndpointResponse<>(WebEndpointResponse.STATUS_NOT_FOUND);
		}
		try {
			SwrEndpoint.TagEvictionDescriptor evicted = this.endpoint.evictTag(cache, tag, Boolean.TRUE.equals(soft));
			return (evicted != null) ? new WebEndpointResponse<>(evicted)
					: new WebEndpointResponse<>(WebEndpointResponse.STATUS_NOT_FOUND);
		}
		catch (SwrStoreException ex) {
			return new WebEndpointResponse<>(new ClearFailure(cache, ex.reason().tag(), ex.getMessage()),
					WebEndpointResponse.STATUS_SERVICE_UNAVAILABLE);
		}
	}

	/** {@code DELETE /actuator/swr/{cache}/{key}}: 200 with what was evicted, 404 for an unknown cache. */
	@DeleteOperation
	public WebEndpointResponse<SwrEndpoint.EvictionDescriptor> evict(@Selector String cache, @Selector String key) {
		SwrEndpoint.EvictionDescriptor evicted = this.endpoint.evict(cache, key);
		return (evicted != null) ? new WebEndpointResponse<>(evicted)
				: new WebEndpointResponse<>(WebEndpointResponse.STATUS_NOT_FOUND);
	}

}
