package dev.swr.sample;

import org.springframework.cache.annotation.CacheEvict;
import org.springframework.stereotype.Service;

import dev.swr.spring.annotation.StaleWhileRevalidate;

/** Products from the upstream catalog, cached with stale-while-revalidate. */
@Service
public class ProductService {

	private final Upstream upstream;

	public ProductService(Upstream upstream) {
		this.upstream = upstream;
	}

	/** The product, from the cache when it can be; windows come from {@code swr.caches.products}. */
	@StaleWhileRevalidate(cache = "products", key = "#id")
	public Product find(long id) {
		return this.upstream.fetch(id);
	}

	/** Forgets the cached product, so the next {@link #find} loads it. */
	@CacheEvict(cacheNames = "products", cacheManager = "swrCacheManager", key = "#id")
	public void refresh(long id) {
	}

}
