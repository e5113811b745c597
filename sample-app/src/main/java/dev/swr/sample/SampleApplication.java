package dev.swr.sample;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.cache.annotation.EnableCaching;

/**
 * A product catalog in front of a slow, switchable upstream. {@code GET /products/{id}} is served
 * with stale-while-revalidate caching; {@code /upstream} lets you make the source fail or slow down
 * and watch the {@code X-Cache-Status} header move through HIT, STALE, FALLBACK and EXPIRED.
 */
@SpringBootApplication
// For @CacheEvict on ProductService.refresh: Spring's cache annotations need their own switch.
@EnableCaching
public class SampleApplication {

	public static void main(String[] args) {
		SpringApplication.run(SampleApplication.class, args);
	}

}
