package dev.swr.spring.web;

import java.time.Duration;
import java.time.Instant;

import jakarta.servlet.FilterChain;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

import dev.swr.core.ManualClock;
import dev.swr.core.SwrCache;
import dev.swr.core.SwrEngine;
import dev.swr.core.SwrPolicy;
import dev.swr.core.SwrStatus;

import static org.assertj.core.api.Assertions.assertThat;

/** The RFC 9211 {@code Cache-Status} value of each status, exactly as documented. */
class CacheStatusHeaderTest {

	private static final long NOW = 1_800_000_000_000L;

	@Test
	void aHitTellsTheWholeSecondsOfFreshnessLeftNeverBelowZero() {
		assertThat(SwrStatusHeaderFilter.cacheStatus(SwrStatus.HIT, NOW + 12_999, NOW)).isEqualTo("swr; hit; ttl=12");
		assertThat(SwrStatusHeaderFilter.cacheStatus(SwrStatus.HIT, NOW + 999, NOW)).isEqualTo("swr; hit; ttl=0");
		assertThat(SwrStatusHeaderFilter.cacheStatus(SwrStatus.HIT, NOW, NOW)).isEqualTo("swr; hit; ttl=0");
	}

	@Test
	void aMissWasForwardedAndStored() {
		assertThat(SwrStatusHeaderFilter.cacheStatus(SwrStatus.MISS, SwrStatus.UNKNOWN_FRESH_UNTIL, NOW))
			.isEqualTo("swr; fwd=miss; stored");
	}

	@Test
	void staleExpiredAndFallbackAreHitsWithANegativeTtlAndADetail() {
		assertThat(SwrStatusHeaderFilter.cacheStatus(SwrStatus.STALE, NOW - 3_500, NOW))
			.isEqualTo("swr; hit; ttl=-4; detail=stale");
		assertThat(SwrStatusHeaderFilter.cacheStatus(SwrStatus.STALE, NOW, NOW))
			.as("stale the very millisecond its freshness ended (a soft tag eviction)")
			.isEqualTo("swr; hit; ttl=-1; detail=stale");
		assertThat(SwrStatusHeaderFilter.cacheStatus(SwrStatus.EXPIRED, NOW - 120_000, NOW))
			.isEqualTo("swr; hit; ttl=-120; detail=expired");
		assertThat(SwrStatusHeaderFilter.cacheStatus(SwrStatus.FALLBACK, NOW - 600_000, NOW))
			.isEqualTo("swr; hit; ttl=-600; detail=fallback");
	}

	@Test
	void eachHeaderCanBeTurnedOffAlone() throws Exception {
		ManualClock clock = new ManualClock(Instant.ofEpochMilli(NOW));
		try (SwrEngine engine = SwrEngine.builder().clock(clock).build()) {
			SwrCache<String, String> cache = engine.<String, String>newCache("c")
				.policy(SwrPolicy.builder().fresh(Duration.ofMinutes(1)).jitter(0).build())
				.build();
			cache.get("k", (key) -> "v");
			FilterChain chain = (request, response) -> {
				cache.getWithStatus("k", (key) -> "v");
				response.getWriter().write("v");
			};
			MockHttpServletResponse both = filter(new SwrStatusHeaderFilter("X-Cache-Status", true, clock), chain);
			assertThat(both.getHeader("X-Cache-Status")).isEqualTo("HIT");
			assertThat(both.getHeader("Cache-Status")).isEqualTo("swr; hit; ttl=60");
			MockHttpServletResponse noRfc = filter(new SwrStatusHeaderFilter("X-Cache-Status", false, clock), chain);
			assertThat(noRfc.getHeader("Cache-Status")).isNull();
			assertThat(noRfc.getHeader("X-Cache-Status")).isEqualTo("HIT");
			MockHttpServletResponse rfcOnly = filter(new SwrStatusHeaderFilter("", true, clock), chain);
			assertThat(rfcOnly.getHeaderNames()).containsExactly("Cache-Status");
			MockHttpServletResponse none = filter(new SwrStatusHeaderFilter("", false, clock), chain);
			assertThat(none.getHeaderNames()).isEmpty();
		}
	}

	private static MockHttpServletResponse filter(SwrStatusHeaderFilter filter, FilterChain chain) throws Exception {
		MockHttpServletResponse response = new MockHttpServletResponse();
		filter.doFilter(new MockHttpServletRequest("GET", "/products/1"), response, chain);
		return response;
	}

	@Test
	void anUnknownFreshnessLeavesTtlOut() {
		assertThat(SwrStatusHeaderFilter.cacheStatus(SwrStatus.STALE, SwrStatus.UNKNOWN_FRESH_UNTIL, NOW))
			.isEqualTo("swr; hit; detail=stale");
	}

}
