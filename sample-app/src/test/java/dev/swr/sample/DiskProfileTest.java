package dev.swr.sample;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.util.FileSystemUtils;

import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/** The {@code disk} profile: products cached in RocksDB, seen and cleared through Actuator like any store. */
@SpringBootTest(properties = "sample.upstream.latency-ms=0")
@ActiveProfiles("disk")
@AutoConfigureMockMvc
@DirtiesContext
class DiskProfileTest {

	private static final Path DIRECTORY = temporaryDirectory();

	@Autowired
	private MockMvc mvc;

	private static Path temporaryDirectory() {
		try {
			return Files.createTempDirectory("swr-sample-disk-test");
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	@DynamicPropertySource
	static void diskPath(DynamicPropertyRegistry registry) {
		registry.add("swr.disk.path", () -> DIRECTORY.resolve("db").toString());
	}

	@AfterAll
	static void removeDirectory() throws IOException {
		FileSystemUtils.deleteRecursively(DIRECTORY);
	}

	@Test
	void productsAreCachedOnDiskAndTheEndpointAndHealthShowTheStore() throws Exception {
		this.mvc.perform(get("/products/{id}", 31)).andExpect(header().string("X-Cache-Status", "MISS"));
		this.mvc.perform(get("/products/{id}", 31)).andExpect(header().string("X-Cache-Status", "HIT"));

		this.mvc.perform(get("/actuator/swr/products"))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.store").value("disk"));
		this.mvc.perform(get("/actuator/health"))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.components.swr.status").value("UP"))
			.andExpect(jsonPath("$.components.swr.details.caches.products.store").value("disk"))
			.andExpect(jsonPath("$.components.swr.details.caches.products.reachable").value(true));

		this.mvc.perform(delete("/actuator/swr/products")).andExpect(status().isNoContent());
		this.mvc.perform(get("/products/{id}", 31)).andExpect(header().string("X-Cache-Status", "MISS"));
	}

}
