package dev.swr.sample;

import java.util.List;
import java.util.Map;

import org.springframework.cache.annotation.CacheEvict;
import org.springframework.stereotype.Service;

import dev.swr.spring.annotation.StaleWhileRevalidate;
import dev.swr.spring.annotation.SwrEvict;

/** Products from the upstream catalog, cached with stale-while-revalidate. */
@Service
public class ProductService {

	private final Upstream upstream;

	public ProductService(Upstream upstream) {
		this.upstream = upstream;
	}

	/**
	 * The product, from the cache when it can be; windows come from {@code swr.caches.products}. The
	 * entry is tagged with the product's category, which {@link #refreshCategory} evicts by.
	 */
	@StaleWhileRevalidate(cache = "products", key = "#id", tags = "#result.category")
	public Product find(long id) {
		return this.upstream.fetch(id);
	}

	/**
	 * The products of {@code ids}, each cached on its own in the same cache as {@link #find}: the
	 * ids the cache cannot serve are fetched with ONE upstream call.
	 */
	@StaleWhileRevalidate(cache = "products", batch = true, tags = "#result.category")
	public Map<Long, Product> findAll(List<Long> ids) {
		return this.upstream.fetchAll(ids);
	}

	/** Forgets every cached product of {@code category}, on every instance: the next reads are misses. */
	@SwrEvict(cache = "products", tags = "#category")
	public void refreshCategory(String category) {
	}

	/** Makes every cached product of {@code category} stale: served at once, each refreshed once. */
	@SwrEvict(cache = "products", tags = "#category", soft = true)
	public void repriceCategory(String category) {
	}

	/** Forgets the cached product, so the next {@link #find} loads it. */
	@CacheEvict(cacheNames = "products", cacheManager = "swrCacheManager", key = "#id")
	public void refresh(long id) {
	}

}
